"""The health feed: the NHS trust's children-looked-after health assessments, extracted monthly."""
