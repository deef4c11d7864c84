"""The DfE CIN census XML as a case-system source: its year files (spec.py, read by the export too), the safe
streamed reader (read.py) and the feed contract (schema.py). docs/statutory/sources.md."""
