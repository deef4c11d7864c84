"""The case_system feed: a Standard Safeguarding Dataset (SSD) extract, one CSV per object."""
