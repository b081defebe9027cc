"""The write path: stage a change on a copy, validate and infer it, commit it with its history."""
