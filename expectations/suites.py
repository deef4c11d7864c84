"""The expectation suites, built from the feed contracts and the indicator catalogue (never hand-typed).

Every expectation carries in `meta`:
- `severity`: `blocking` (a failure stops exports) or `warning` (reported, nothing stops);
- `description`: what the check asserts, in plain English;
- `check_name`: the stable, human-readable name stored in `dq.check_results.check_name`;
- `message`: the failure wording, with `{rows}` ("3 rows") and `{has}` ("have") filled in by `verdicts.from_expectation`;
- `show_values`: whether failing values may be quoted (codes and numbers only: never ids or dates of birth).
GX's own `severity` field mirrors ours (blocking = critical).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from expectations._gx import Column as Col
from expectations._gx import FailureSeverity, gx, gxe
from expectations.verdicts import AUTHORITY_COLUMN
from ingest.core.contract import TableContract

BLOCKING = "blocking"
WARNING = "warning"

EARLIEST_DATE = date(1990, 1, 1)
# Dates that may legitimately lie after the as-of date: only their lower bound is checked.
# Dates that are legitimately ahead of the extract: expected births, and due / planned review dates.
FUTURE_DATES_ALLOWED = frozenset(
    {"pers_expected_dob", "cppr_cp_review_due", "clar_cla_review_due_date", "due_date", "pep_review_date"}
)

MART_TABLE = "fct_indicator_values"
MART_COLUMNS = (
    "indicator_id", "la_code", "period_type", "period_label", "period_start", "period_end",
    "numerator", "denominator", "value",
)
MART_KEY = ("indicator_id", "la_code", "period_type", "period_label")
PERCENT_UNITS = ("percent",)
NON_NEGATIVE_UNITS = ("rate", "count", "days")
OTHER_UNITS = ("score", "ratio")  # 0 or more too (the range dbt's values_within_unit_range test held)
UNIT_COLUMN = "indicator_unit"  # marts.dim_indicators.unit, joined onto the mart rows by `table_checks`

_GX_SEVERITY = {BLOCKING: FailureSeverity.CRITICAL, WARNING: FailureSeverity.WARNING}


def suite_name(schema: str, table: str) -> str:
    """`raw_case_system__ssd_cin_episodes`, `marts_fct_indicator_values` (docs/specs/STYLE.md: one name everywhere)."""
    return f"{schema}_{table}"


def _meta(severity: str, check_name: str, description: str, message: str, *, show_values: bool = False) -> dict:
    return {
        "severity": severity,
        "check_name": check_name,
        "description": description,
        "message": message,
        "show_values": show_values,
    }


@dataclass(frozen=True)
class Check:
    """One expectation of a suite before GX builds it: its class, its `meta` and its arguments. The policy's
    catalogue reads the checks' names and severities from these without building GX objects."""

    expectation: type
    meta: dict
    kwargs: dict = field(default_factory=dict)

    @property
    def check_name(self) -> str:
        return self.meta["check_name"]

    @property
    def severity(self) -> str:
        return self.meta["severity"]


def columns_read(checks: Iterable[Check]) -> set[str] | None:
    """The columns whose values `checks` read (that a column exists is not a reading of its values); None if a
    check's row condition is not on one column (then every column counts as read)."""
    read: set[str] = set()
    for check in checks:
        if check.expectation is gxe.ExpectColumnToExist:
            continue
        read.update([check.kwargs["column"]] if "column" in check.kwargs else [])
        read.update(check.kwargs.get("column_list") or [])
        condition = check.kwargs.get("row_condition")
        if condition is not None:
            column = getattr(condition, "column", None)
            if not isinstance(column, Col):
                return None
            read.add(column.name)
    return read


def build(name: str, checks: Iterable[Check]) -> gx.ExpectationSuite:
    """The GX suite of `checks` (a set: GX keeps one of two alike expectations), GX's severity mirroring ours."""
    suite = gx.ExpectationSuite(name=name)
    for check in checks:
        suite.add_expectation(check.expectation(meta=check.meta, severity=_GX_SEVERITY[check.severity], **check.kwargs))
    return suite


def _add(checks: list[Check], expectation_cls: type, meta: dict, **kwargs: Any) -> None:
    checks.append(Check(expectation_cls, meta, kwargs))


def _as_bound(d: date) -> datetime:
    # `table_checks` hands date columns to GX as datetime64[ns]; a datetime bound keeps GX's vectorised path.
    return datetime(d.year, d.month, d.day)


def _key_expectations(checks: list[Check], key: tuple[str, ...], what: str) -> None:
    """The key is unique within each authority (blocking): a case-system id repeats legitimately across a hub's
    authorities (AUTHORITY_COLUMN, raw `_la_code`, is on every raw row). The check keeps the name of the key
    alone, so the policy and acknowledgements that name it still hold."""
    key_text = " + ".join(key)
    name = (f"expect_column_values_to_be_unique({key[0]})" if len(key) == 1
            else f"expect_compound_columns_to_be_unique({', '.join(key)})")
    _add(
        checks, gxe.ExpectCompoundColumnsToBeUnique,
        _meta(BLOCKING, name, f"No two {what} rows of one authority share the same {key_text} (the key)",
              f"{{rows}} {{has}} the same {key_text} as another row of the same authority"),
        column_list=[AUTHORITY_COLUMN, *key],
    )


def raw_suite(contract: TableContract, as_of: date) -> gx.ExpectationSuite:
    """The suite of one raw table (`raw_checks`)."""
    return build(suite_name("raw", contract.raw_table), raw_checks(contract, as_of))


def raw_checks(contract: TableContract, as_of: date) -> list[Check]:
    """The checks of one raw table: structure and keys (blocking, the key within each authority), code lists and
    date sanity (warning)."""
    checks: list[Check] = []
    what = contract.table

    for column in contract.columns:
        if column.required:
            _add(
                checks, gxe.ExpectColumnToExist,
                _meta(BLOCKING, f"expect_column_to_exist({column.name})",
                      f"{what} has the column {column.name}",
                      f"the column {column.name} is missing (the {contract.feed} contract requires it)"),
                column=column.name,
            )

    not_null = [c.name for c in contract.columns if not c.nullable]
    not_null += [k for k in contract.key if k not in not_null]
    for name in not_null:
        role = "the key" if name in contract.key else "never blank"
        _add(
            checks, gxe.ExpectColumnValuesToNotBeNull,
            _meta(BLOCKING, f"expect_column_values_to_not_be_null({name})",
                  f"Every {what} row has a {name} ({role})",
                  f"{{rows}} {{has}} a blank {name}"),
            column=name,
        )
    _key_expectations(checks, contract.key, what)

    if contract.table == "ssd_person":
        _add(
            checks, gxe.ExpectColumnValuesToNotBeNull,
            _meta(BLOCKING, "expect_column_values_to_not_be_null(pers_dob, where pers_expected_dob is blank)",
                  "Every person has a date of birth, or an expected date of birth if not yet born",
                  "{rows} {has} neither pers_dob nor pers_expected_dob"),
            column="pers_dob",
            row_condition=Col("pers_expected_dob").is_null(),
        )

    for column in contract.columns:
        if column.codes:
            _add(
                checks, gxe.ExpectColumnValuesToBeInSet,
                _meta(WARNING, f"expect_column_values_to_be_in_set({column.name})",
                      f"Every {column.name} is in its code list ({', '.join(column.codes)})",
                      f"{{rows}} {{has}} a {column.name} outside its code list", show_values=True),
                column=column.name,
                value_set=list(column.codes),
            )

    for column in contract.columns:
        if column.type != "date":
            continue
        if column.name in FUTURE_DATES_ALLOWED:
            bounds = {"min_value": _as_bound(EARLIEST_DATE)}
            description = f"Every {column.name} is on or after {EARLIEST_DATE:%Y-%m-%d} (it may be in the future)"
            message = f"{{rows}} {{has}} a {column.name} before {EARLIEST_DATE:%Y-%m-%d}"
        else:
            bounds = {"min_value": _as_bound(EARLIEST_DATE), "max_value": _as_bound(as_of)}
            description = (
                f"Every {column.name} falls between {EARLIEST_DATE:%Y-%m-%d} and the as-of date {as_of:%Y-%m-%d}"
            )
            message = f"{{rows}} {{has}} a {column.name} before {EARLIEST_DATE:%Y-%m-%d} or after {as_of:%Y-%m-%d}"
        _add(
            checks, gxe.ExpectColumnValuesToBeBetween,
            _meta(WARNING, f"expect_column_values_to_be_between({column.name})", description, message),
            column=column.name,
            **bounds,
        )
    return checks


def _percentages(checks: list[Check], description: str, outside: str, **bounds: float) -> None:
    """A value whose unit is a percentage (`indicator_unit`) is at most 100 (and within `bounds`)."""
    _add(
        checks, gxe.ExpectColumnValuesToBeBetween,
        _meta(BLOCKING, "expect_column_values_to_be_between(value, where unit is percent)", description,
              f"{{rows}} {{has}} a percentage value {outside}", show_values=True),
        column="value",
        max_value=100,
        row_condition=Col(UNIT_COLUMN).is_in(list(PERCENT_UNITS)),
        **bounds,
    )


def mart_suite() -> gx.ExpectationSuite:
    return build(suite_name("marts", MART_TABLE), mart_checks())


def mart_checks() -> list[Check]:
    """The checks of `marts.fct_indicator_values`, validated with `marts.dim_indicators.unit` joined on as
    `indicator_unit`; every check is blocking. Its columns, that it has rows, and the range each unit
    allows. Its grain (the key unique and never blank), its indicator_id in the catalogue and its
    period_type are the model's contract: dbt tests (models/marts/_marts__models.yml) fail the build."""
    checks: list[Check] = []

    for name in MART_COLUMNS:
        _add(
            checks, gxe.ExpectColumnToExist,
            _meta(BLOCKING, f"expect_column_to_exist({name})",
                  f"marts.{MART_TABLE} has the column {name}",
                  f"the column {name} is missing"),
            column=name,
        )
    _add(
        checks, gxe.ExpectTableRowCountToBeBetween,
        _meta(BLOCKING, "expect_table_row_count_to_be_between(min 1)",
              "There is at least one indicator value",
              "the table has no rows: no indicator was computed"),
        min_value=1,
    )
    _percentages(checks, "Every percentage is between 0 and 100", "outside 0-100", min_value=0)
    for units in (NON_NEGATIVE_UNITS, OTHER_UNITS):  # two checks, so the first keeps the name the team knows
        _add(
            checks, gxe.ExpectColumnValuesToBeBetween,
            _meta(BLOCKING, f"expect_column_values_to_be_between(value, where unit is {'/'.join(units)})",
                  f"Every {', '.join(units)} value is 0 or more",
                  f"{{rows}} {{has}} a negative value for a {', '.join(units)} indicator", show_values=True),
            column="value",
            min_value=0,
            row_condition=Col(UNIT_COLUMN).is_in(list(units)),
        )
    return checks


BREAKDOWN_TABLE = "fct_indicator_breakdowns"
BREAKDOWN_KEY = ("indicator_id", "la_code", "period_type", "period_label", "dimension", "dimension_value")


def breakdown_suite() -> gx.ExpectationSuite:
    return build(suite_name("marts", BREAKDOWN_TABLE), breakdown_checks())


def breakdown_checks() -> list[Check]:
    """The checks of `marts.fct_indicator_breakdowns` (its key is dbt's contract): a value is never negative
    (every breakdown counts children or is a percentage) and a percentage is at most 100."""
    checks: list[Check] = []
    _add(
        checks, gxe.ExpectColumnValuesToBeBetween,
        _meta(BLOCKING, "expect_column_values_to_be_between(value, min 0)", "Every breakdown value is 0 or more",
              "{rows} {has} a negative breakdown value", show_values=True),
        column="value",
        min_value=0,
    )
    _percentages(checks, "Every breakdown percentage is at most 100", "over 100")
    return checks
