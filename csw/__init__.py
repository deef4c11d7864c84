"""csw: children's services performance warehouse for English local authorities."""

__version__ = "0.1.0"
