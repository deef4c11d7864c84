"""The quarterly regional return (docs/specs/REGIONAL_RETURN.md): `write_regional_return` is the one entry point."""

from exports.errors import ExportRefused
from exports.regional.write import ReturnFiles, write_regional_return

__all__ = ["ExportRefused", "ReturnFiles", "write_regional_return"]
