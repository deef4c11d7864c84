"""Ofsted's Annex A workbook (lists 1-11) for an as-of date, from the SSD staging (docs/statutory/annex_a.md)."""

from exports.statutory.annex_a.write import AnnexAFiles, export_annex_a, write_annex_a

__all__ = ["AnnexAFiles", "export_annex_a", "write_annex_a"]
