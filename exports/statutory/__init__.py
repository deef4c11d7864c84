"""Statutory returns written from the warehouse: each return has its own subpackage."""
