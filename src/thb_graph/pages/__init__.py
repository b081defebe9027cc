"""The read models behind every HTML page and its RDF twin (no Flask here)."""
