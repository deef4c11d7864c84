"""Checks across tables, as portable SQL: quarantined files, staging relationships, cross-feed
reconciliation and the mart's period completeness.

Great Expectations 1.x has no expectation spanning two tables (its relationship checks are SQL-only and
its SQL datasource returned empty metrics over DuckDB), so these are written like the DfE rules: ONE
SELECT per check returning the failing rows with a `failing_key` column, run on DuckDB or Postgres.

- `staging_relationships`: orphans in what staging serves (an assessment without its referral, a
  placement outside every episode of its period of care, rows for children not in the person table).
  Within the case-system extract they are `blocking` (the return's inputs), except the SEND records
  (EHCP requests, assessments, plans, SEN needs: in no return), which warn; a partner feed naming a child
  the case system does not know is a `warning`. `failing_key` is the record's own id (as in the raw suites).
- `reconciliation`: feeds that should agree and do not (police missing reports with no case-system
  missing episode within a day, health assessments for children never looked after, attendance weeks of
  children not looked after that week, workforce teams unknown to the case system): always `warning`,
  with example pseudonymous keys (`child_key`, never a case-system id). Where an authority loads both an
  SSD extract and its SSDA903 files (the SSD wins in staging), the two are compared per collection year of
  the 903 files: children looked after at 31 March, episodes, placements; each year that differs is one
  failing row carrying both figures and how many children only one source has (counts, never ids).
- `loads`: a file quarantined at load that has not been resent since (`warning`: the feed's rows are
  missing until it is); a table whose current snapshot has under half the rows of the one before (`warning`:
  an extract cut short, even at a line boundary, loads but is named here before the gate and the return).
- `marts_fct_indicator_values`: every catalogue indicator has a row for every period of the mart
  (`blocking`: a missing row would be a blank cell in the return).

A check whose tables are absent (the build has not run, or a feed never arrived) passes with an
observed value saying it did not run; `marts_are_built` and `table_is_loaded` report the absence itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from expectations.dfe_rules import count_failing, totals
from foundation.warehouse import Connection

BLOCKING = "blocking"
WARNING = "warning"
RELATIONSHIPS_SUITE = "staging_relationships"
RECONCILIATION_SUITE = "reconciliation"
MART_SUITE = "marts_fct_indicator_values"


@dataclass(frozen=True)
class SqlCheck:
    suite: str
    check_name: str
    feed: str | None
    table_name: str  # the table whose rows fail (schema-less)
    severity: str
    message: str  # what one failing row means, in plain words
    sql: str  # failing rows, with a `failing_key` column
    relations: tuple[str, ...]  # schema.table the SQL reads: absent → the check does not run
    loaded_feeds: tuple[str, ...] = ()  # feeds with a file loaded in raw._loads: one never loaded → not run


@dataclass(frozen=True)
class SqlCheckResult:
    check: SqlCheck
    failing_rows: int
    sample_keys: list[str]
    error: str | None = None
    missing: tuple[str, ...] = ()  # relations absent: the check did not run
    by_authority: dict[str | None, tuple[int, list[str]]] = field(default_factory=dict)  # count_failing's


def _stg(model: str) -> str:
    return f"staging.stg_{model}"


# A hub's staging rows carry `la_code` (docs/regional-hub.md): a record id repeats legitimately across
# authorities, so a record's parent is looked up within its own authority, and a failing key names the authority
# (`840/R123`). Every check returns its failing rows' authority as `la_code` (null: not one authority's), which
# `count_failing` counts by: a hub's failure holds back only that authority's return.


# --- staging relationships -------------------------------------------------------------------------------

# (model, its record id, parent model, parent id, column of the child naming the parent, what the child is)
_PARENTS = (
    ("case_system__assessments", "assessment_id", "case_system__referrals", "referral_id", "referral_id",
     "Assessment"),
    ("case_system__cin_plans", "cin_plan_id", "case_system__referrals", "referral_id", "referral_id", "CIN plan"),
    ("case_system__s47_enquiries", "s47_enquiry_id", "case_system__referrals", "referral_id", "referral_id",
     "Section 47 enquiry"),
    ("case_system__initial_cp_conferences", "icpc_id", "case_system__referrals", "referral_id", "referral_id",
     "Initial CP conference"),
    ("case_system__cp_plans", "cp_plan_id", "case_system__referrals", "referral_id", "referral_id", "CP plan"),
    ("case_system__cp_reviews", "cp_review_id", "case_system__cp_plans", "cp_plan_id", "cp_plan_id", "CP review"),
    ("case_system__cp_visits", "cp_visit_id", "case_system__cp_plans", "cp_plan_id", "cp_plan_id", "CP visit"),
    ("case_system__cla_reviews", "cla_review_id", "case_system__cla_episodes", "cla_id", "cla_id", "CLA review"),
    ("case_system__cla_visits", "cla_visit_id", "case_system__cla_episodes", "cla_id", "cla_id", "CLA visit"),
)

# (model, record id, feed, what a row is): every child_key must be a child of the case system's person table
_CHILD_ROWS = (
    ("case_system__contacts", "contact_id", "case_system", "Contact"),
    ("case_system__referrals", "referral_id", "case_system", "Referral"),
    ("case_system__assessments", "assessment_id", "case_system", "Assessment"),
    ("case_system__cp_plans", "cp_plan_id", "case_system", "CP plan"),
    ("case_system__cla_episodes", "cla_episode_id", "case_system", "CLA episode"),
    ("case_system__cla_placements", "placement_id", "case_system", "Placement"),
    ("case_system__missing_episodes", "missing_episode_id", "case_system", "Missing episode"),
    ("case_system__care_leavers", "care_leaver_record_id", "case_system", "Care leaver record"),
    ("health__assessments", "assessment_id", "health", "Health assessment"),
    ("education__peps", "pep_id", "education", "PEP"),
    ("education__suspensions", "suspension_id", "education", "Suspension"),
    ("partners__return_home_interviews", "return_home_interview_id", "partners", "Return home interview"),
    ("partners__family_group_conferences", "family_group_conference_id", "partners", "Family group conference"),
    ("partners__police_missing_incidents", "police_incident_id", "partners", "Police missing report"),
)
_PERSONS = _stg("case_system__persons")


# SEND records (not in any return): an orphan warns, and a blank link is not an orphan
_SEND_PARENTS = (
    ("case_system__sen_needs", "sen_need_id", "case_system__ehcp_active_plans", "active_ehcp_id", "active_ehcp_id",
     "SEN need"),
    ("case_system__ehcp_requests", "ehcp_request_id", "case_system__send_children", "send_id", "send_id",
     "EHCP request"),
    ("case_system__ehcp_assessments", "ehcp_assessment_id", "case_system__ehcp_requests", "ehcp_request_id",
     "ehcp_request_id", "EHC needs assessment"),
    ("case_system__ehcp_named_plans", "named_plan_id", "case_system__ehcp_assessments", "ehcp_assessment_id",
     "ehcp_assessment_id", "EHC plan"),
)


def _parent_check(model: str, record_id: str, parent: str, parent_id: str, column: str, what: str,
                  severity: str = BLOCKING) -> SqlCheck:
    """A blocking orphan check requires the link; a warning one (SEND) lets a blank link pass."""
    parent_what = parent.split("__", 1)[1].rstrip("s").replace("_", " ")
    blank = f"c.{column} is null or " if severity == BLOCKING else f"c.{column} is not null and "
    return SqlCheck(
        suite=RELATIONSHIPS_SUITE, check_name=f"{model.split('__', 1)[1]}_have_their_{column}",
        feed="case_system", table_name=f"stg_{model}", severity=severity,
        message=f"{what} names a {column} that is not in the extract's {parent_what}s",
        sql=f"""select c.la_code, c.la_code || '/' || c.{record_id} as failing_key from {_stg(model)} as c
                where {blank}not exists (select 1 from {_stg(parent)} as p
                                         where p.{parent_id} = c.{column} and p.la_code = c.la_code)""",
        relations=(_stg(model), _stg(parent)),
    )


def _child_known_check(model: str, record_id: str, feed: str, what: str) -> SqlCheck:
    partner = feed != "case_system"
    return SqlCheck(
        suite=RELATIONSHIPS_SUITE, check_name=f"{model}_are_for_known_children",
        feed=feed, table_name=f"stg_{model}", severity=WARNING if partner else BLOCKING,
        message=f"{what} is for a child who is not in the case-system person table (ssd_person)",
        # a partner row without a person id (police could not match the child, an FGC for a family) is not an orphan
        sql=f"""select c.la_code, c.{record_id} as failing_key from {_stg(model)} as c
                where {'c.child_key is not null and ' if partner else ''}not exists
                      (select 1 from {_PERSONS} as p where p.child_key = c.child_key)""",
        relations=(_stg(model), _PERSONS),
    )


_PLACEMENT_IN_EPISODE = SqlCheck(
    suite=RELATIONSHIPS_SUITE, check_name="cla_placements_start_within_an_episode", feed="case_system",
    table_name="stg_case_system__cla_placements", severity=BLOCKING,
    message="Placement starts outside every CLA episode of its period of care (before it began or after it ceased)",
    sql=f"""select pl.la_code, pl.la_code || '/' || pl.placement_id as failing_key
            from {_stg('case_system__cla_placements')} as pl
            where not exists (
                select 1 from {_stg('case_system__cla_episodes')} as e
                where e.cla_id = pl.cla_id and e.la_code = pl.la_code
                  and pl.start_date >= e.start_date
                  and (e.ceased_date is null or pl.start_date < e.ceased_date))""",
    relations=(_stg("case_system__cla_placements"), _stg("case_system__cla_episodes")),
)


# --- cross-feed reconciliation (warnings, pseudonymous keys) ---------------------------------------------

_EPISODES = _stg("case_system__cla_episodes")
_DEPARTMENT = "raw.case_system__ssd_department"

_BETWEEN_FEEDS = (
    SqlCheck(
        suite=RECONCILIATION_SUITE, check_name="police_missing_reports_match_a_missing_episode", feed="partners",
        table_name="stg_partners__police_missing_incidents", severity=WARNING,
        message="Police missing report for a known child with no case-system missing episode starting within a "
                "day of the report",
        sql=f"""select pm.la_code, pm.child_key as failing_key from {_stg('partners__police_missing_incidents')} as pm
                where pm.is_matched_to_child and not exists (
                    select 1 from {_stg('case_system__missing_episodes')} as m
                    where m.child_key = pm.child_key
                      and m.start_date between pm.reported_date - interval '1 day'
                                           and pm.reported_date + interval '1 day')""",
        relations=(_stg("partners__police_missing_incidents"), _stg("case_system__missing_episodes")),
    ),
    SqlCheck(
        suite=RECONCILIATION_SUITE, check_name="health_assessments_are_for_looked_after_children", feed="health",
        table_name="stg_health__assessments", severity=WARNING,
        message="Health assessment for a child who has never been looked after",
        sql=f"""select h.la_code, h.child_key as failing_key from {_stg('health__assessments')} as h
                where not exists (select 1 from {_EPISODES} as e where e.child_key = h.child_key)""",
        relations=(_stg("health__assessments"), _EPISODES),
    ),
    SqlCheck(
        suite=RECONCILIATION_SUITE, check_name="attendance_weeks_are_for_looked_after_children", feed="education",
        table_name="stg_education__attendance_weeks", severity=WARNING,
        message="Virtual school attendance week for a child not looked after at any time that week",
        sql=f"""select a.la_code, a.child_key as failing_key from {_stg('education__attendance_weeks')} as a
                where not exists (
                    select 1 from {_EPISODES} as e
                    where e.child_key = a.child_key and e.start_date <= a.week_start_date + interval '6 days'
                      and (e.ceased_date is null or e.ceased_date >= a.week_start_date))""",
        relations=(_stg("education__attendance_weeks"), _EPISODES),
    ),
    SqlCheck(
        suite=RECONCILIATION_SUITE, check_name="workforce_teams_are_known_to_the_case_system", feed="workforce",
        table_name="stg_workforce__team_snapshots", severity=WARNING,
        message="Workforce team that is neither a case-system department (ssd_department) nor the team of any "
                "involvement",
        sql=f"""select distinct w.la_code, w.team_id as failing_key from {_stg('workforce__team_snapshots')} as w
                where not exists (select 1 from {_DEPARTMENT} as d
                                  where d.dept_team_id = w.team_id and d._la_code = w.la_code)
                  and not exists (select 1 from {_stg('case_system__involvements')} as i
                                  where i.team_id = w.team_id and i.la_code = w.la_code)""",
        relations=(_stg("workforce__team_snapshots"), _DEPARTMENT, _stg("case_system__involvements")),
    ),
)


# --- the SSD against the SSDA903 (both loaded: the SSD wins, the differences warn) -------------------------
#
# `with_statutory_sources` (dbt_project/macros/statutory_sources.sql) adds the 903 rows to the SSD-shaped
# staging only when no SSD extract was loaded, so here stg_case_system__* hold the SSD's own rows and
# stg_ssda903__* the 903's. Each collection year of an authority's 903 files (raw.ssda903__episodes) is the
# financial year 1 April to 31 March; an authority's year is one failing row (its `la_code`'s) when its sources'
# figures differ, or when they agree only because different children cancel out.

_YEARS = """years as (
    select distinct
        _la_code as la_code,
        collection_year,
        make_date(cast(substr(collection_year, 1, 4) as integer), 4, 1) as year_start,
        make_date(cast(substr(collection_year, 1, 4) as integer) + 1, 3, 31) as year_end
    from raw.ssda903__episodes
)"""


def _looked_after_at_year_end(prefix: str) -> str:
    """Children with an episode open at 31 March (ceased that day is not open), short breaks (a V3/V4 legal
    status open then) left out: CLA_COUNT's children (int_cla_at_period_end)."""
    return f"""select distinct y.la_code, y.collection_year, e.child_key, e.child_key as item, 0 as starts_in_year
        from years as y
        inner join {_stg(prefix + '__cla_episodes')} as e
            on e.la_code = y.la_code and e.start_date <= y.year_end
            and (e.ceased_date is null or e.ceased_date > y.year_end)
        where not exists (
            select 1 from {_stg(prefix + '__legal_statuses')} as l
            where l.la_code = e.la_code and l.child_key = e.child_key and l.legal_status_code in ('V3', 'V4')
              and l.start_date <= y.year_end and (l.end_date is null or l.end_date > y.year_end))"""


def _in_year(model: str, record_id: str, end_date: str) -> Callable[[str], str]:
    """Records open on any day of the year (as a year's 903 file lists them), flagged when they start in it."""
    def rows(prefix: str) -> str:
        return f"""select y.la_code, y.collection_year, r.child_key, r.{record_id} as item,
               case when r.start_date >= y.year_start then 1 else 0 end as starts_in_year
        from years as y
        inner join {_stg(f'{prefix}__{model}')} as r
            on r.la_code = y.la_code and r.start_date <= y.year_end
            and (r.{end_date} is null or r.{end_date} >= y.year_start)"""
    return rows


def _children(count: str) -> str:
    return f"cast({count} as varchar) || case when {count} = 1 then ' child' else ' children' end"


def _ssd_against_903(check_name: str, models: tuple[str, ...], what: str, rows: Callable[[str], str], *,
                     starts: bool, children: str) -> SqlCheck:
    """One figure (and, with `starts`, those starting in the year) per collection year in each source, and
    the children only one source has; `failing_key` reads `2024-25: SSD 270, SSDA903 269; 1 child only in
    the SSD, 0 only in the SSDA903`."""
    starting = (" || ' (starting in the year: SSD ' || cast(f.ssd_starting as varchar) || ', SSDA903 ' "
                "|| cast(f.ssda903_starting as varchar) || ')'") if starts else ""
    return SqlCheck(
        suite=RECONCILIATION_SUITE, check_name=check_name, feed="ssda903", table_name=f"stg_ssda903__{models[0]}",
        severity=WARNING,
        message=f"The SSD extract and the SSDA903 files differ on {what} in a collection year of the 903 files "
                f"(the SSD's figures are the ones used): per year, each source's figure, then {children} only "
                f"one source has",
        sql=f"""with {_YEARS},
        rows_of_both as (
            select 'ssd' as source, ssd.* from ({rows('case_system')}) as ssd
            union all
            select 'ssda903' as source, ssda903.* from ({rows('ssda903')}) as ssda903
        ),
        counted as (
            select
                la_code,
                collection_year,
                count(distinct case when source = 'ssd' then item end) as ssd_n,
                count(distinct case when source = 'ssda903' then item end) as ssda903_n,
                count(distinct case when source = 'ssd' and starts_in_year = 1 then item end) as ssd_starting,
                count(distinct case when source = 'ssda903' and starts_in_year = 1 then item end)
                    as ssda903_starting
            from rows_of_both
            group by la_code, collection_year
        ),
        children as (
            select
                la_code,
                collection_year,
                child_key,
                max(case when source = 'ssd' then 1 else 0 end) as in_ssd,
                max(case when source = 'ssda903' then 1 else 0 end) as in_ssda903
            from rows_of_both
            group by la_code, collection_year, child_key
        ),
        one_source_only as (
            select
                la_code,
                collection_year,
                sum(case when in_ssda903 = 0 then 1 else 0 end) as only_ssd,
                sum(case when in_ssd = 0 then 1 else 0 end) as only_ssda903
            from children
            group by la_code, collection_year
        ),
        figures as (
            select
                y.la_code,
                y.collection_year,
                coalesce(c.ssd_n, 0) as ssd_n,
                coalesce(c.ssda903_n, 0) as ssda903_n,
                coalesce(c.ssd_starting, 0) as ssd_starting,
                coalesce(c.ssda903_starting, 0) as ssda903_starting,
                coalesce(o.only_ssd, 0) as only_ssd,
                coalesce(o.only_ssda903, 0) as only_ssda903
            from years as y
            left join counted as c on c.la_code = y.la_code and c.collection_year = y.collection_year
            left join one_source_only as o on o.la_code = y.la_code and o.collection_year = y.collection_year
        )
        select f.la_code,
               f.collection_year || ': SSD ' || cast(f.ssd_n as varchar) || ', SSDA903 '
               || cast(f.ssda903_n as varchar){starting}
               || '; ' || {_children('f.only_ssd')} || ' only in the SSD, '
               || cast(f.only_ssda903 as varchar) || ' only in the SSDA903' as failing_key
        from figures as f
        where f.ssd_n <> f.ssda903_n or f.ssd_starting <> f.ssda903_starting
           or f.only_ssd > 0 or f.only_ssda903 > 0""",
        relations=("raw.ssda903__episodes", *(_stg(f"{source}__{m}") for source in ("case_system", "ssda903")
                                             for m in models)),
        loaded_feeds=("case_system", "ssda903"),
    )


SSD_AGAINST_SSDA903 = (
    _ssd_against_903("ssd_and_ssda903_agree_on_children_looked_after_at_31_march",
                     ("cla_episodes", "legal_statuses"),
                     "the children looked after at 31 March (short breaks left out, as CLA_COUNT)",
                     _looked_after_at_year_end, starts=False, children="the children"),
    _ssd_against_903("ssd_and_ssda903_agree_on_episodes", ("cla_episodes",),
                     "the episodes of care open in the year, and those starting in it",
                     _in_year("cla_episodes", "cla_episode_id", "ceased_date"), starts=True,
                     children="the children with an episode in the year"),
    _ssd_against_903("ssd_and_ssda903_agree_on_placements", ("cla_placements",),
                     "the placements open in the year, and those starting in it",
                     _in_year("cla_placements", "placement_id", "end_date"), starts=True,
                     children="the children with a placement in the year"),
)
RECONCILIATIONS = _BETWEEN_FEEDS + SSD_AGAINST_SSDA903


# --- period completeness -----------------------------------------------------------------------------------

PERIOD_COMPLETENESS = SqlCheck(
    suite=MART_SUITE, check_name="every_indicator_has_every_period", feed=None, table_name="fct_indicator_values",
    severity=BLOCKING,
    message="Indicator has no row for a period that other indicators have (a blank cell in the return)",
    sql="""select p.la_code, i.indicator_id || ' ' || p.period_label as failing_key
           from (select distinct indicator_id from marts.dim_indicators where indicator_id is not null) as i
           cross join (select distinct la_code, period_type, period_label from marts.fct_indicator_values) as p
           where not exists (
               select 1 from marts.fct_indicator_values as v
               where v.indicator_id = i.indicator_id and v.la_code = p.la_code
                 and v.period_type = p.period_type and v.period_label = p.period_label)""",
    relations=("marts.dim_indicators", "marts.fct_indicator_values"),
)

# --- loads -------------------------------------------------------------------------------------------------

QUARANTINED_FILES = SqlCheck(
    suite="loads", check_name="quarantined_files_are_resent", feed="landing", table_name="_loads", severity=WARNING,
    message="File quarantined at load and not yet resent (its rows are missing from the warehouse; the reason "
            "is in raw._loads and beside the file in the quarantine folder)",
    sql="""select q.la_code, q.file_name as failing_key from raw._loads as q
           where q.outcome = 'quarantined' and not exists (
               select 1 from raw._loads as l
               where l.outcome = 'loaded' and l.file_name = q.file_name and l.la_code = q.la_code
                 and l.loaded_at > q.loaded_at)""",
    relations=("raw._loads",),
)

SHRUNKEN_SNAPSHOTS = SqlCheck(
    suite="loads", check_name="current_snapshots_are_not_much_smaller", feed="landing", table_name="_loads",
    severity=WARNING,
    message="The current snapshot of a table has under half the rows of the one before it (a cut or partial "
            "extract?): the loader's warning is in raw._loads.warning; resend the whole extract if it is wrong",
    sql="""select l.la_code, l.file_name as failing_key from raw._loads as l
           where l.outcome = 'loaded' and l.warning like 'snapshot has %'
             and l.batch_id = (select max(n.batch_id) from raw._loads as n
                               where n.table_name = l.table_name and n.la_code = l.la_code
                                 and n.outcome = 'loaded')""",
    relations=("raw._loads",),
)

RELATIONSHIPS = (
    tuple(_parent_check(*spec) for spec in _PARENTS)
    + tuple(_parent_check(*spec, severity=WARNING) for spec in _SEND_PARENTS)
    + (_PLACEMENT_IN_EPISODE,)
    + tuple(_child_known_check(*spec) for spec in _CHILD_ROWS)
)
CHECKS = (QUARANTINED_FILES, SHRUNKEN_SNAPSHOTS) + RELATIONSHIPS + RECONCILIATIONS + (PERIOD_COMPLETENESS,)


def _existing(con: Connection) -> set[str]:
    """schema.table of every relation of the warehouse."""
    return {r[0] for r in con.execute(
        "select table_schema || '.' || table_name from information_schema.tables "
        "where table_catalog = current_database()").fetchall()}


def _loaded_feeds(con: Connection, existing: set[str]) -> set[str]:
    if "raw._loads" not in existing:
        return set()
    return {r[0] for r in con.execute("select distinct feed from raw._loads where outcome = 'loaded'").fetchall()}


def evaluate(con: Connection, checks: tuple[SqlCheck, ...] = CHECKS) -> list[SqlCheckResult]:
    """Run each check; one whose SQL fails is reported with the error, never raised. A check whose tables are
    absent, or that needs a feed never loaded, does not run (`missing` names them)."""
    existing = _existing(con)
    loaded = _loaded_feeds(con, existing) if any(c.loaded_feeds for c in checks) else set()
    results = []
    for check in checks:
        missing = tuple(r for r in check.relations if r not in existing)
        missing = missing or tuple(f"{feed} files" for feed in check.loaded_feeds if feed not in loaded)
        if missing:
            results.append(SqlCheckResult(check, 0, [], missing=missing))
            continue
        try:
            failing = count_failing(con, check.sql)
            results.append(SqlCheckResult(check, *totals(failing), by_authority=failing))
        except Exception as exc:  # noqa: BLE001 - reported on the check, the others still run
            results.append(SqlCheckResult(check, 0, [], f"{type(exc).__name__}: {exc}"))
    return results
