"""The SSDA903 (children looked after) CSV set as a case-system source: each collection year's specification
(`spec.py`, `years/`) and the contract its files are read against (`schema.py`)."""
