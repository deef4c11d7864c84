"""Exports: one package per consumer, each with one typed public entry point."""

from exports.errors import ExportRefused
from exports.regional import ReturnFiles, write_regional_return

__all__ = ["ExportRefused", "ReturnFiles", "write_regional_return"]
