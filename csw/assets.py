"""Airflow Assets of the warehouse: one per raw table, one for the marts, one for the regional return.

Producers and consumers import these so that a DAG scheduled on an asset and the task that updates it
always name the same thing. URIs are `csw://warehouse/<schema>/<table>`; names are `<schema>.<table>`.
"""

from __future__ import annotations

from airflow.sdk import Asset, AssetAlias

from ingest.contracts import FEEDS


def raw_asset(raw_table: str) -> Asset:
    """The Asset of `raw.<raw_table>` (e.g. `case_system__ssd_person`)."""
    return Asset(name=f"raw.{raw_table}", uri=f"csw://warehouse/raw/{raw_table}", group="csw_raw")


def feed_alias(feed: str) -> AssetAlias:
    """The alias through which a feed's load task emits an event for each raw table it loaded."""
    return AssetAlias(name=f"raw.{feed}")


def feed_assets(feed: str) -> list[Asset]:
    """Every raw table's Asset of one feed, in contract order."""
    return [raw_asset(table.raw_table) for table in FEEDS[feed].tables]


# Updated by the transform (dbt build) when every mart, including fct_indicator_values, is rebuilt.
MARTS = Asset(name="marts.fct_indicator_values", uri="csw://warehouse/marts/fct_indicator_values", group="csw_marts")

# Updated by the export when a quarter's regional return is written to the outbox.
REGIONAL_RETURN = Asset(name="output.regional_return", uri="csw://output/regional_return", group="csw_exports")
