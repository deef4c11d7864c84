"""Ofsted's Annex A workbook as a case-system source: the list definitions (shared with the export) and the reader."""
