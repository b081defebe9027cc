"""The graph engine: build, validate, infer, store. Never imports the web or CLI layers."""
