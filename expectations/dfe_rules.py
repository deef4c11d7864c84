"""DfE CIN census and SSDA903 validation rules, evaluated on the case-system staging models: the current rows
of the SSD tables with staging's typing, codes (trimmed, upper-cased) and flags (`is_nfa`) — nothing is
re-derived from `raw` here. A person is its pseudonymous `child_key` (staging drops the case-system id).

Each rule is data: the DfE's code and wording, a severity, and ONE portable SELECT (DuckDB and Postgres:
no dialect-only functions, every derived table aliased, date arithmetic with `interval`) returning the
failing rows with a `failing_key` column (a record id, or a child_key for a rule about a person; never a name
or date of birth) and the row's `la_code` (its authority: a hub's failure holds back that authority's return).

Where the codes come from: the DfE "Children in need census: validation rules" and "Children looked after
data collection: validation checks" documents, as quoted in the issue threads and rule metadata of Data to
Insight's open validators (csc-validator-be-cin, csc-validator-be-903), which transcribe the DfE's codes
and messages. Only codes and messages were taken from them; the SQL here is written for the SSD tables.
A rule with no DfE equivalent (the SSD flattens what the DfE's XML nests, so some orphans cannot occur in a
return) has a `L..` code and says so in `reference`: no DfE code is invented.

The DfE rules run on a census year; ours run on the whole current snapshot, so rules about "the
collection year" are left out and "Q" (query) rules are warnings.

Severity: impossible dates and orphans on the return's inputs are `blocking`; plausibility and query rules
are `warning`. DfE code-list rules (an invalid primary need, legal status, placement type, reason for new
episode or episode ceased, category of abuse, participation, missing type, in-touch code, ethnicity) are not
repeated here: the raw suites already check every contract code list (as warnings, docs/specs/FEEDS.md). Only code
lists the contracts do not hold (CIN reason for closure) are rules here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from expectations.current_rows import raw_table_of
from foundation.warehouse import Connection

SUITE = "dfe_validation"
SAMPLE_SIZE = 5


@dataclass(frozen=True)
class DfeRule:
    code: str
    source: str  # CIN | 903
    message: str
    severity: str  # blocking | warning
    sql: str
    reference: str = ""

    @property
    def check_name(self) -> str:
        return f"{self.source} {self.code}"

    @property
    def models(self) -> tuple[str, ...]:
        """The staging models the SQL reads (schema-less names)."""
        return tuple(dict.fromkeys(re.findall(r"staging\.(stg_case_system__\w+)", self.sql)))

    @property
    def tables(self) -> tuple[str, ...]:
        """The raw tables behind those models (schema-less names): what a result names as its table."""
        return tuple(raw_table_of(m) for m in self.models)


@dataclass(frozen=True)
class RuleResult:
    rule: DfeRule
    failing_rows: int
    sample_keys: list[str]
    error: str | None = None
    missing: tuple[str, ...] = ()  # staging models not built: the rule did not run
    by_authority: dict[str | None, tuple[int, list[str]]] = field(default_factory=dict)  # count_failing's

    @property
    def passed(self) -> bool:
        return self.error is None and self.failing_rows == 0


# --- SQL helpers --------------------------------------------------------------------------------------


def _stg(model: str) -> str:
    return f"staging.stg_case_system__{model}"


def _in_list(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


PERSON = _stg("persons")
REF = _stg("referrals")
ASMT = _stg("assessments")
CINP = _stg("cin_plans")
S47 = _stg("s47_enquiries")
ICPC = _stg("initial_cp_conferences")
CPP = _stg("cp_plans")
CPR = _stg("cp_reviews")
EPI = _stg("cla_episodes")
LEGAL = _stg("legal_statuses")
PLACE = _stg("cla_placements")
CLAR = _stg("cla_reviews")
MISS = _stg("missing_episodes")
LEAVER = _stg("care_leavers")
IMMI = _stg("immigration_statuses")
PERM = _stg("permanence")

# a period of care (cla_id): its person, first start and end (null while any episode is open)
_PERIOD = (
    f"(select e.la_code as la_code, e.cla_id as cla_id, min(e.child_key) as child_key, "
    f"min(e.start_date) as period_start, "
    f"case when count(*) = count(e.ceased_date) then max(e.ceased_date) end "
    f"as period_end from {EPI} as e group by e.la_code, e.cla_id)"
)

# Where the looked-after history the warehouse holds begins: with no SSD extract loaded (the 903 fills the episodes,
# macros/statutory_sources.sql), 1 April of the first 903 collection year landed (`2024-25/episodes.csv` ->
# 2024-04-01); with the SSD, the beginning of time (the SSD holds the whole history). Per authority: the episode
# `e`'s own (a hub holds authorities that landed different years, or an SSD beside another's 903 files).
_HISTORY_START = (
    "coalesce((select min(make_date(cast(substr(l.file_name, 1, 4) as integer), 4, 1)) from raw._loads as l "
    "where l.table_name = 'ssda903__episodes' and l.outcome = 'loaded' and l.la_code = e.la_code "
    "and not exists (select 1 from raw._loads as ssd where ssd.feed = 'case_system' and ssd.outcome = 'loaded' "
    "and ssd.la_code = e.la_code)), date '0001-01-01')"
)

CIN_CLOSE_REASONS = ("RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7", "RC8", "RC9")
CONTINUATION = ("P", "L", "T", "U", "B")

_CIN_REF = "DfE CIN census validation rules (code and message as transcribed in data-to-insight/csc-validator-be-cin)"
_903_REF = "DfE SSDA903 validation checks (code and message as transcribed in data-to-insight/csc-validator-be-903)"
_LOCAL = "No DfE code: local rule on the SSD tables (the DfE return nests these records, so it has no such check)"


def _cin(code: str, message: str, severity: str, sql: str, note: str = "") -> DfeRule:
    return DfeRule(code, "CIN", message, severity, " ".join(sql.split()), _CIN_REF + (f"; {note}" if note else ""))


def _903(code: str, message: str, severity: str, sql: str, note: str = "") -> DfeRule:
    return DfeRule(code, "903", message, severity, " ".join(sql.split()), _903_REF + (f"; {note}" if note else ""))


def _local(source: str, code: str, message: str, severity: str, sql: str, note: str = "") -> DfeRule:
    return DfeRule(code, source, message, severity, " ".join(sql.split()), _LOCAL + (f"; {note}" if note else ""))


# --- the rules ----------------------------------------------------------------------------------------

CIN_RULES: list[DfeRule] = [
    _cin("1103", "The assessment start date cannot be before the referral date", "blocking", f"""
        select a.la_code, a.assessment_id as failing_key from {ASMT} as a
        join {REF} as r on r.referral_id = a.referral_id and r.la_code = a.la_code
        where a.start_date < r.referral_date"""),
    _cin("1104", "The date of the initial child protection conference cannot be before the referral date",
         "blocking", f"""
        select i.la_code, i.icpc_id as failing_key from {ICPC} as i
        join {REF} as r on r.referral_id = i.referral_id and r.la_code = i.la_code
        where i.icpc_date < r.referral_date"""),
    _cin("1105", "The child protection plan start date cannot be before the referral date", "blocking", f"""
        select p.la_code, p.cp_plan_id as failing_key from {CPP} as p
        join {REF} as r on r.referral_id = p.referral_id and r.la_code = p.la_code
        where p.start_date < r.referral_date"""),
    _cin("2885", "Child protection plan shown as starting a different day to the initial child protection "
         "conference.", "blocking", f"""
        select p.la_code, p.cp_plan_id as failing_key from {CPP} as p
        join {ICPC} as i on i.icpc_id = p.icpc_id and i.la_code = p.la_code
        where p.start_date <> i.icpc_date"""),
    _cin("2889", "The S47 start date cannot be before the referral date.", "blocking", f"""
        select s.la_code, s.s47_enquiry_id as failing_key from {S47} as s
        join {REF} as r on r.referral_id = s.referral_id and r.la_code = s.la_code
        where s.start_date < r.referral_date"""),
    _cin("4000", "CIN Plan details provided for a referral with no further action", "blocking", f"""
        select c.la_code, c.cin_plan_id as failing_key from {CINP} as c
        join {REF} as r on r.referral_id = c.referral_id and r.la_code = c.la_code
        where r.is_nfa"""),
    _cin("4001", "A CIN Plan cannot run concurrently with a Child Protection Plan", "blocking", f"""
        select c.la_code, c.cin_plan_id as failing_key from {CINP} as c
        join {CPP} as p on p.child_key = c.child_key
        where c.start_date < coalesce(p.end_date, date '9999-12-31')
          and p.start_date < coalesce(c.end_date, date '9999-12-31')"""),
    _cin("4008", "CIN Plan shown as starting after the child’s Date of Death.", "blocking", f"""
        select c.la_code, c.cin_plan_id as failing_key from {CINP} as c
        join {PERSON} as p on p.child_key = c.child_key
        where c.start_date > p.death_date"""),
    _cin("4011", "CIN Plan End Date earlier than Start Date", "blocking", f"""
        select c.la_code, c.cin_plan_id as failing_key from {CINP} as c
        where c.end_date < c.start_date"""),
    _cin("4015", "The CIN Plan start date cannot be before the referral date", "blocking", f"""
        select c.la_code, c.cin_plan_id as failing_key from {CINP} as c
        join {REF} as r on r.referral_id = c.referral_id and r.la_code = c.la_code
        where c.start_date < r.referral_date"""),
    _cin("8525Q", "Either Date of Birth or Expected Date of Birth must be provided (but not both)", "warning", f"""
        select p.la_code, p.child_key as failing_key from {PERSON} as p
        where (p.birth_date is null and p.expected_birth_date is null)
           or (p.birth_date is not null and p.expected_birth_date is not null)"""),
    _cin("8535Q", "Please check and either amend data or provide a reason: Child’s date of death should not be "
         "prior to the date of birth", "warning", f"""
        select p.la_code, p.child_key as failing_key from {PERSON} as p where p.death_date < p.birth_date"""),
    _cin("8555Q", "Child cannot be referred after its recorded date of death", "warning", f"""
        select r.la_code, r.referral_id as failing_key from {REF} as r
        join {PERSON} as p on p.child_key = r.child_key
        where r.referral_date > p.death_date"""),
    _cin("8565", "Activity shown after a case has been closed", "blocking", f"""
        select a.la_code, a.assessment_id as failing_key from {ASMT} as a
        join {REF} as r on r.referral_id = a.referral_id and r.la_code = a.la_code
        where a.start_date > r.close_date""",
         "checked on assessment start dates"),
    _cin("8606", "Child referral date is more than 40 weeks before DOB or expected DOB", "warning", f"""
        select r.la_code, r.referral_id as failing_key from {REF} as r
        join {PERSON} as p on p.child_key = r.child_key
        where r.referral_date < coalesce(p.birth_date, p.expected_birth_date) - interval '280 days'""",
         "a referral after birth or up to 40 weeks before it passes (unborn children); a warning, not blocking, because the raw suites treat implausible referral dates as warnings (test_date_outside_1990_to_as_of_warns)"),
    _cin("8608", "Assessment Start Date cannot be later than its End Date", "blocking", f"""
        select a.la_code, a.assessment_id as failing_key from {ASMT} as a
        where a.authorised_date < a.start_date""",
         "the SSD's assessment authorisation date is the census's assessment end date"),
    _cin("8615", "Section 47 Enquiry Start Date must be present and cannot be later than the date of the initial "
         "Child Protection Conference", "blocking", f"""
        select i.la_code, i.icpc_id as failing_key from {ICPC} as i
        join {S47} as s on s.s47_enquiry_id = i.s47_enquiry_id and s.la_code = i.la_code
        where i.icpc_date < s.start_date"""),
    _cin("8630", "CIN Closure Date is before CIN Referral Date for the same CIN episode", "blocking", f"""
        select r.la_code, r.referral_id as failing_key from {REF} as r
        where r.close_date < r.referral_date"""),
    _cin("8640", "CIN Reason for closure code invalid (see Reason for Closure table in CIN Census code set)",
         "warning", f"""
        select r.la_code, r.referral_id as failing_key from {REF} as r
        where r.close_reason_code is not null and r.close_reason_code not in {_in_list(CIN_CLOSE_REASONS)}"""),
    _cin("8805", "A CIN case cannot have a CIN closure date without a Reason for Closure", "blocking", f"""
        select r.la_code, r.referral_id as failing_key from {REF} as r
        where r.close_date is not null and r.close_reason_code is null"""),
    _cin("8810", "A CIN case cannot have a Reason for Closure without a CIN Closure Date", "blocking", f"""
        select r.la_code, r.referral_id as failing_key from {REF} as r
        where r.close_date is null and r.close_reason_code is not null"""),
    _cin("8815", "More than one open CIN Details episode (a module with no CIN Closure Date) has been provided for "
         "this child and case is not a referral with no further action.", "blocking", f"""
        select r.la_code, r.referral_id as failing_key from {REF} as r
        where r.close_date is null and not (r.is_nfa)
          and exists (select 1 from {REF} as o
                      where o.child_key = r.child_key and o.referral_id <> r.referral_id
                        and o.close_date is null and not (o.is_nfa))"""),
    _cin("8820", "The dates on the CIN episodes for this child overlap", "warning", f"""
        select later.la_code, later.referral_id as failing_key from {REF} as later
        join {REF} as earlier on earlier.child_key = later.child_key
         and earlier.referral_id <> later.referral_id
        where not (earlier.is_nfa)
          and (earlier.referral_date < later.referral_date
               or (earlier.referral_date = later.referral_date
                   and earlier.referral_id < later.referral_id))
          and later.referral_date < coalesce(earlier.close_date, date '9999-12-31')""",
         "an episode may start on the day the previous one closed; open NFA referrals are not counted as open; a "
         "warning here (DfE: error) because a mistyped future close date, which the raw suites only warn on, "
         "makes an overlap (test_date_outside_1990_to_as_of_warns)"),
    _cin("8831", "Activity is recorded against a case marked as a referral with no further action", "blocking", f"""
        select a.la_code, a.assessment_id as failing_key from {ASMT} as a
        join {REF} as r on r.referral_id = a.referral_id and r.la_code = a.la_code
        where r.is_nfa
        union all
        select s.la_code, s.s47_enquiry_id as failing_key from {S47} as s
        join {REF} as r on r.referral_id = s.referral_id and r.la_code = s.la_code
        where r.is_nfa""", "checked on assessments and S47 enquiries"),
    _cin("8832", "Child Protection details provided for a referral with no further action.", "blocking", f"""
        select p.la_code, p.cp_plan_id as failing_key from {CPP} as p
        join {REF} as r on r.referral_id = p.referral_id and r.la_code = p.la_code
        where r.is_nfa"""),
    _cin("8840", "Child Protection Plan cannot start and end on the same day", "blocking", f"""
        select p.la_code, p.cp_plan_id as failing_key from {CPP} as p
        where p.end_date = p.start_date"""),
    _cin("8841", "The review date cannot be on the same day or before the Child protection Plan start date.",
         "blocking", f"""
        select v.la_code, v.cp_review_id as failing_key from {CPR} as v
        join {CPP} as p on p.cp_plan_id = v.cp_plan_id and p.la_code = v.la_code
        where v.review_date <= p.start_date"""),
    _cin("8863Q", "An Assessment is shown as starting when there is another Assessment ongoing.", "warning", f"""
        select later.la_code, later.assessment_id as failing_key from {ASMT} as later
        join {ASMT} as earlier on earlier.child_key = later.child_key
         and earlier.assessment_id <> later.assessment_id
        where earlier.start_date < later.start_date
          and later.start_date < coalesce(earlier.authorised_date, date '9999-12-31')"""),
    _cin("8890", "A Section 47 enquiry is shown as starting when there is another Section 47 Enquiry ongoing",
         "blocking", f"""
        select later.la_code, later.s47_enquiry_id as failing_key from {S47} as later
        join {S47} as earlier on earlier.child_key = later.child_key
         and earlier.s47_enquiry_id <> later.s47_enquiry_id
        where earlier.start_date < later.start_date
          and later.start_date < coalesce(earlier.end_date, date '9999-12-31')""",
         "ongoing = before the S47 end date (the census uses the ICPC date)"),
    _cin("8915", "Child Protection Plan shown as starting after the child’s Date of Death", "blocking", f"""
        select c.la_code, c.cp_plan_id as failing_key from {CPP} as c
        join {PERSON} as p on p.child_key = c.child_key
        where c.start_date > p.death_date"""),
    _cin("8925", "Child Protection Plan End Date earlier than Start Date", "blocking", f"""
        select p.la_code, p.cp_plan_id as failing_key from {CPP} as p
        where p.end_date < p.start_date"""),
    _cin("8935", "This child is showing more than one open Child Protection plan, i.e. with no End Date",
         "blocking", f"""
        select p.la_code, p.cp_plan_id as failing_key from {CPP} as p
        where p.end_date is null
          and exists (select 1 from {CPP} as o where o.child_key = p.child_key
                      and o.cp_plan_id <> p.cp_plan_id and o.end_date is null)"""),
    _cin("8940", "Child Protection Plan data contains overlapping dates", "blocking", f"""
        select later.la_code, later.cp_plan_id as failing_key from {CPP} as later
        join {CPP} as earlier on earlier.child_key = later.child_key
         and earlier.cp_plan_id <> later.cp_plan_id
        where earlier.start_date < later.start_date
          and later.start_date < coalesce(earlier.end_date, date '9999-12-31')"""),
    _local("CIN", "L01", "Assessment recorded against a referral that is not in the extract", "blocking", f"""
        select a.la_code, a.assessment_id as failing_key from {ASMT} as a
        where a.referral_id is null
           or not exists (select 1 from {REF} as r where r.referral_id = a.referral_id and r.la_code = a.la_code)"""),
    _local("CIN", "L02", "Section 47 enquiry recorded against a referral that is not in the extract", "blocking", f"""
        select s.la_code, s.s47_enquiry_id as failing_key from {S47} as s
        where s.referral_id is null
           or not exists (select 1 from {REF} as r where r.referral_id = s.referral_id and r.la_code = s.la_code)"""),
    _local("CIN", "L03", "Child protection plan recorded against a referral that is not in the extract", "blocking",
           f"""
        select p.la_code, p.cp_plan_id as failing_key from {CPP} as p
        where p.referral_id is null
           or not exists (select 1 from {REF} as r where r.referral_id = p.referral_id and r.la_code = p.la_code)"""),
    _local("CIN", "L04", "Section 47 enquiry end date is before its start date", "blocking", f"""
        select s.la_code, s.s47_enquiry_id as failing_key from {S47} as s
        where s.end_date < s.start_date""",
           "the census has no S47 end date, so the DfE has no such check"),
]

_903_RULES: list[DfeRule] = [
    _903("142", "A new episode has started, but the previous episode has not ended.", "blocking", f"""
        select e.la_code, e.cla_episode_id as failing_key from {EPI} as e
        where e.ceased_date is null
          and exists (select 1 from {EPI} as n where n.child_key = e.child_key
                      and n.start_date > e.start_date)"""),
    _903("148", "Date episode ceased and reason episode ceased must both be coded, or both left blank.",
         "blocking", f"""
        select e.la_code, e.cla_episode_id as failing_key from {EPI} as e
        where (e.ceased_date is null)
           <> (e.ceased_reason_code is null)"""),
    _903("184", "Date of decision that a child should be placed for adoption is before the child was born.",
         "blocking", f"""
        select m.la_code, m.permanence_id as failing_key from {PERM} as m
        join {PERSON} as p on p.child_key = m.child_key
        where m.adoption_decision_date < p.birth_date"""),
    _903("302", "First episode starts before child was born.", "blocking", f"""
        select e.la_code, e.cla_episode_id as failing_key from {EPI} as e
        join {PERSON} as p on p.child_key = e.child_key
        where e.start_date < p.birth_date"""),
    _903("304", "Date unaccompanied asylum-seeking child (UASC) status ceased must be on or before the 18th "
         "birthday of a child.", "blocking", f"""
        select i.la_code, i.immigration_status_id as failing_key from {IMMI} as i
        join {PERSON} as p on p.child_key = i.child_key
        where i.immigration_status_code = 'UASC'
          and (i.end_date > p.birth_date + interval '18 years'
               or i.start_date > p.birth_date + interval '18 years')""",
         "also fails UASC status starting after the 18th birthday"),
    _903("331", "Date of matching child and adopter(s) should be the same as, or prior to, the date of placement "
         "of adoption.", "blocking", f"""
        select m.la_code, m.permanence_id as failing_key from {PERM} as m
        where m.matched_date > m.placed_for_adoption_date"""),
    _903("333", "Date should be placed for adoption must be on or prior to the date of matching child with "
         "adopter(s).", "blocking", f"""
        select m.la_code, m.permanence_id as failing_key from {PERM} as m
        where m.adoption_decision_date > m.matched_date"""),
    _903("352", "Child who started to be looked after was aged 18 or over.", "blocking", f"""
        select e.la_code, e.cla_episode_id as failing_key from {EPI} as e
        join {PERSON} as p on p.child_key = e.child_key
        where e.start_reason_code = 'S'
          and e.start_date >= p.birth_date + interval '18 years'"""),
    _903("356", "The date the episode ceased is before the date the same episode started.", "blocking", f"""
        select e.la_code, e.cla_episode_id as failing_key from {EPI} as e
        where e.ceased_date < e.start_date"""),
    _903("357", "If this is the first episode ever for this child, reason for new episode must be S.", "blocking",
         f"""
        select e.la_code, e.cla_episode_id as failing_key from {EPI} as e
        where e.start_reason_code <> 'S'
          and not exists (select 1 from {EPI} as o where o.child_key = e.child_key
                          and o.start_date < e.start_date)
          and e.start_date >= {_HISTORY_START}""",
         "on 903 files (no SSD loaded) only episodes starting in the years landed: an episode open on 1 April of "
         "the first year began in a year the warehouse does not hold, as the validator judges one year"),
    _903("358", "Child with this legal status should not be under 10.", "blocking", f"""
        select l.la_code, l.legal_status_id as failing_key from {LEGAL} as l
        join {PERSON} as p on p.child_key = l.child_key
        where l.legal_status_code in ('J1', 'J2', 'J3')
          and l.start_date < p.birth_date + interval '10 years'"""),
    _903("361", "Police protection legal status lasted longer than maximum 72 hours allowed", "warning", f"""
        select l.la_code, l.legal_status_id as failing_key from {LEGAL} as l
        where l.legal_status_code = 'L1'
          and l.end_date > l.start_date + interval '3 days'""",
         "dates only: more than 3 days"),
    _903("386", "Reason episode ceased is adopted but child has reached age 18.", "warning", f"""
        select e.la_code, e.cla_episode_id as failing_key from {EPI} as e
        join {PERSON} as p on p.child_key = e.child_key
        where e.ceased_reason_code in ('E11', 'E12')
          and e.ceased_date >= p.birth_date + interval '18 years'"""),
    _903("387", "Reason episode ceased is child moved into independent living arrangement, but the child is aged "
         "under 14.", "warning", f"""
        select e.la_code, e.cla_episode_id as failing_key from {EPI} as e
        join {PERSON} as p on p.child_key = e.child_key
        where e.ceased_reason_code in ('E5', 'E6')
          and e.ceased_date < p.birth_date + interval '14 years'"""),
    _903("388", "Reason episode ceased is coded new episode begins, but there is no continuation episode.",
         "blocking", f"""
        select e.la_code, e.cla_episode_id as failing_key from {EPI} as e
        where (e.ceased_reason_code = 'X1')
              <> exists (select 1 from {EPI} as n where n.child_key = e.child_key
                         and n.cla_episode_id <> e.cla_episode_id
                         and n.start_date = e.ceased_date)""",
         "both halves of the DfE's check: X1 with no episode starting on the day it ceased, and an episode that "
         "ceased for another reason with one starting that day (the child stayed looked after: X1 was due)"),
    _903("431", "The reason for new episode is started to be looked after, but the previous episode ended on the "
         "same day.", "blocking", f"""
        select e.la_code, e.cla_episode_id as failing_key from {EPI} as e
        where e.start_reason_code = 'S'
          and exists (select 1 from {EPI} as prev where prev.child_key = e.child_key
                      and prev.cla_episode_id <> e.cla_episode_id
                      and prev.ceased_date = e.start_date)"""),
    _903("432", "The child ceased to be looked after at the end of the previous episode but the reason for the new "
         "episode is not started to be looked after.", "blocking", f"""
        select e.la_code, e.cla_episode_id as failing_key from {EPI} as e
        where e.start_reason_code in {_in_list(CONTINUATION)}
          and exists (select 1 from {EPI} as prev where prev.child_key = e.child_key
                      and prev.cla_episode_id <> e.cla_episode_id
                      and prev.ceased_date = e.start_date
                      and prev.ceased_reason_code <> 'X1')"""),
    _903("433", "The reason for new episode suggests that this is a continuation episode, but the episode does "
         "not start on the same day as the last episode finished.", "blocking", f"""
        select e.la_code, e.cla_episode_id as failing_key from {EPI} as e
        where e.start_reason_code in {_in_list(CONTINUATION)}
          and exists (select 1 from {EPI} as o where o.child_key = e.child_key
                      and o.start_date < e.start_date)
          and not exists (select 1 from {EPI} as prev where prev.child_key = e.child_key
                          and prev.cla_episode_id <> e.cla_episode_id
                          and prev.ceased_date = e.start_date)""",
         "a first-ever episode that is not S is 903 357"),
    _903("437", "Reason episode ceased is child has died or is aged 18 or over but there are further episodes.",
         "blocking", f"""
        select e.la_code, e.cla_episode_id as failing_key from {EPI} as e
        where e.ceased_reason_code = 'E2'
          and exists (select 1 from {EPI} as n where n.child_key = e.child_key
                      and n.start_date >= e.ceased_date
                      and n.cla_episode_id <> e.cla_episode_id)""", "checked for E2 (died)"),
    _903("440", "Participation method indicates child was under 4 years old at the time of the review, but date "
         "of birth and review date indicates the child was 4 years old or over.", "warning", f"""
        select v.la_code, v.cla_review_id as failing_key from {CLAR} as v
        join {_PERIOD} as pc on pc.cla_id = v.cla_id and pc.la_code = v.la_code
        join {PERSON} as p on p.child_key = pc.child_key
        where v.participation_code = 'PN0'
          and v.review_date >= p.birth_date + interval '4 years'"""),
    _903("441", "Participation method indicates child was 4 years old or over at the time of the review, but the "
         "date of birth and review date indicates the child was under 4 years old.", "warning", f"""
        select v.la_code, v.cla_review_id as failing_key from {CLAR} as v
        join {_PERIOD} as pc on pc.cla_id = v.cla_id and pc.la_code = v.la_code
        join {PERSON} as p on p.child_key = pc.child_key
        where v.participation_code in ('PN1', 'PN2', 'PN3', 'PN4', 'PN5', 'PN6', 'PN7')
          and v.review_date < p.birth_date + interval '4 years'"""),
    _903("501", "A new episode has started before the end date of the previous episode.", "blocking", f"""
        select later.la_code, later.cla_episode_id as failing_key from {EPI} as later
        join {EPI} as earlier on earlier.child_key = later.child_key
         and earlier.cla_episode_id <> later.cla_episode_id
        where (earlier.start_date < later.start_date
               or (earlier.start_date = later.start_date
                   and earlier.cla_episode_id < later.cla_episode_id))
          and later.start_date < earlier.ceased_date""",
         "overlapping episodes of one child (an open earlier episode is 903 142)"),
    _903("567", "The date that the missing episode or episode that the child was away from placement without "
         "authorisation ended is before the date that it started.", "blocking", f"""
        select m.la_code, m.missing_episode_id as failing_key from {MISS} as m
        where m.end_date < m.start_date"""),
    _903("574", "A new missing/away from placement without authorisation period cannot start when the previous "
         "missing/away from placement without authorisation period is still open.", "warning", f"""
        select later.la_code, later.missing_episode_id as failing_key from {MISS} as later
        join {MISS} as earlier on earlier.child_key = later.child_key
         and earlier.missing_episode_id <> later.missing_episode_id
        where earlier.start_date < later.start_date
          and later.start_date
              < coalesce(earlier.end_date, date '9999-12-31')"""),
    _903("586", "Dates of missing periods are before child’s date of birth.", "blocking", f"""
        select m.la_code, m.missing_episode_id as failing_key from {MISS} as m
        join {PERSON} as p on p.child_key = m.child_key
        where m.start_date < p.birth_date"""),
    _903("1003", "Date of LA's decision that a child should be placed for adoption is before the child started "
         "to be looked after.", "blocking", f"""
        select m.la_code, m.permanence_id as failing_key from {PERM} as m
        join {_PERIOD} as pc on pc.cla_id = m.cla_id and pc.la_code = m.la_code
        where m.adoption_decision_date < pc.period_start"""),
    _local("903", "L05", "Placement outside its period of care (starts before the period's first episode or "
           "after its last episode ceased)", "blocking", f"""
        select pl.la_code, pl.placement_id as failing_key from {PLACE} as pl
        join {_PERIOD} as pc on pc.cla_id = pl.cla_id and pc.la_code = pl.la_code
        where pl.start_date < pc.period_start
           or pl.start_date >= pc.period_end
           or pl.end_date > pc.period_end""",
           "the 903 records placements inside episodes; SSD placements link to the period of care"),
    _local("903", "L06", "Placement recorded against a period of care with no CLA episode", "blocking", f"""
        select pl.la_code, pl.placement_id as failing_key from {PLACE} as pl
        where not exists (select 1 from {EPI} as e where e.cla_id = pl.cla_id and e.la_code = pl.la_code)"""),
    _local("903", "L07", "CLA review held after the period of care ended", "warning", f"""
        select v.la_code, v.cla_review_id as failing_key from {CLAR} as v
        join {_PERIOD} as pc on pc.cla_id = v.cla_id and pc.la_code = v.la_code
        where v.review_date > pc.period_end"""),
    _local("903", "L08", "Care leaver aged under 16 or over 25 at the latest contact", "warning", f"""
        select c.la_code, c.care_leaver_record_id as failing_key from {LEAVER} as c
        join {PERSON} as p on p.child_key = c.child_key
        where c.latest_contact_date < p.birth_date + interval '16 years'
           or c.latest_contact_date >= p.birth_date + interval '26 years'""",
           "related DfE checks: 903 351 (over 25 at the start of the year)"),
    _local("903", "L09", "Missing episode starts before the child first started to be looked after", "warning", f"""
        select m.la_code, m.missing_episode_id as failing_key from {MISS} as m
        join (select e.child_key as child_key, min(e.start_date) as first_start
              from {EPI} as e group by e.child_key) as f on f.child_key = m.child_key
        where m.start_date < f.first_start""",
           "close to 903 581 ('Child is missing but has not yet started to be looked after'); checked only for "
           "children with a CLA episode, since the SSD also holds missing episodes of children not looked after"),
]

RULES: list[DfeRule] = CIN_RULES + _903_RULES


# --- evaluation ---------------------------------------------------------------------------------------


def _existing_models(con: Connection) -> set[str]:
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = current_database() and table_schema = 'staging'"
    ).fetchall()
    return {r[0] for r in rows}


def count_failing(con: Connection, sql: str) -> dict[str | None, tuple[int, list[str]]]:
    """Per authority of the failing rows (`sql`'s `la_code` column; None for rows of no one authority): how many
    rows `sql` returns, and up to five distinct `failing_key` values (sorted) as a sample. Empty: none fail."""
    failing: dict[str | None, tuple[int, list[str]]] = {}
    counts = con.execute(f"select la_code, count(*) from ({sql}) as failing group by la_code").fetchall()
    for code, count in sorted(counts, key=lambda row: (row[0] is not None, row[0] or "")):
        where, params = ("la_code is null", []) if code is None else ("la_code = $1", [code])
        keys = [str(r[0]) for r in con.execute(
            f"select distinct failing_key from ({sql}) as failing where {where} order by failing_key "
            f"limit {SAMPLE_SIZE}", params).fetchall()]
        failing[code] = (int(count), keys)
    return failing


def totals(failing: dict[str | None, tuple[int, list[str]]]) -> tuple[int, list[str]]:
    """Every authority's failing rows together, and the first five distinct keys of them all (sorted)."""
    keys = sorted({key for _, sample in failing.values() for key in sample})[:SAMPLE_SIZE]
    return sum(count for count, _ in failing.values()), keys


def evaluate_rules(con: Connection, rules: list[DfeRule] | None = None) -> list[RuleResult]:
    """Run every rule on the staging models. A rule whose models are not built does not run (it says so); one
    whose models are empty passes with 0 rows (its feed has not been delivered: the loaded checks say so); a
    rule whose SQL fails is reported with the error, never raised."""
    existing = _existing_models(con)
    row_counts: dict[str, int] = {}
    results: list[RuleResult] = []
    for rule in RULES if rules is None else rules:
        missing = tuple(f"staging.{m}" for m in rule.models if m not in existing)
        if missing:
            results.append(RuleResult(rule, 0, [], missing=missing))
            continue
        try:
            for model in rule.models:
                if model not in row_counts:
                    row_counts[model] = con.execute(f"select count(*) from staging.{model}").fetchone()[0]
            if any(row_counts[m] == 0 for m in rule.models):
                results.append(RuleResult(rule, 0, []))
                continue
            failing = count_failing(con, rule.sql)
            results.append(RuleResult(rule, *totals(failing), by_authority=failing))
        except Exception as exc:  # noqa: BLE001 - reported on the rule, the other rules still run
            results.append(RuleResult(rule, 0, [], f"{type(exc).__name__}: {exc}"))
    return results
