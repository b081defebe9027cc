"""Whole-graph dumps in every format, and the JSON-LD context they are compacted with."""
