"""The SSDA903 return (children looked after) for one collection year, from the SSD staging models.

`write_ssda903(con, year="2024-25", out_dir=..., la_code=...)` writes one CSV per table of the year's
specification (`ingest/ssda903/years/<year>.yaml`) and a manifest; docs/statutory/ssda903.md describes the columns.
"""

from exports.statutory.ssda903.spec import available_years, load_year
from exports.statutory.ssda903.write import Ssda903Files, export_ssda903, write_ssda903

__all__ = ["Ssda903Files", "available_years", "export_ssda903", "load_year", "write_ssda903"]
