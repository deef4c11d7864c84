"""Statutory returns written from the warehouse for the DfE and Ofsted (one subpackage each)."""
