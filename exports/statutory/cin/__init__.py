"""The DfE's children in need census (CIN census) as XML, written from the warehouse for a collection year.

`years/<year>.yaml` holds what differs between years (spec.py); read.py selects the children in need and what
the census holds about them, build.py writes the XML with lxml, write.py the outbox folder and its manifest.
docs/statutory/cin_census.md maps every element to its SSD source.
"""

from exports.statutory.cin.spec import CensusYear, available_years, load_year
from exports.statutory.cin.write import CensusFiles, export_census, write_cin_census

__all__ = ["CensusFiles", "CensusYear", "available_years", "export_census", "load_year", "write_cin_census"]
