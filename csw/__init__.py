"""csw: children's services performance warehouse for English local authorities."""

from foundation import __version__

__all__ = ["__version__"]
