"""DfE CIN census and SSDA903 validation rules, evaluated on the current rows of the raw SSD tables (dbt's
`current_rows`, what staging reads: expectations/current_rows.py).

Each rule is data: the DfE's code and wording, a severity, and ONE portable SELECT (DuckDB and Postgres:
no dialect-only functions, every derived table aliased, date arithmetic with `interval`) returning the
failing rows with a `failing_key` column (a record id, never a name or date of birth).

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
from dataclasses import dataclass

from foundation.warehouse import Connection
from expectations.current_rows import current_rows_sql

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
    def tables(self) -> tuple[str, ...]:
        """The raw tables the SQL reads (schema-less names)."""
        return tuple(dict.fromkeys(re.findall(r"raw\.(case_system__ssd_\w+)", self.sql)))


@dataclass(frozen=True)
class RuleResult:
    rule: DfeRule
    failing_rows: int
    sample_keys: list[str]
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and self.failing_rows == 0


# --- SQL helpers --------------------------------------------------------------------------------------


def _t(obj: str) -> str:
    """The current rows of raw.case_system__<obj> (what staging reads: dbt's `current_rows`), as a derived table
    (alias it at the call site)."""
    return f"(select * from {current_rows_sql(f'case_system__{obj}')})"


def _yes(column: str) -> str:
    return f"upper(trim(cast({column} as varchar))) in ('Y', 'YES', '1', 'TRUE', 'T')"


def _in_list(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


PERSON = _t("ssd_person")
REF = _t("ssd_cin_episodes")
ASMT = _t("ssd_cin_assessments")
CINP = _t("ssd_cin_plans")
S47 = _t("ssd_s47_enquiry")
ICPC = _t("ssd_initial_cp_conference")
CPP = _t("ssd_cp_plans")
CPR = _t("ssd_cp_reviews")
EPI = _t("ssd_cla_episodes")
LEGAL = _t("ssd_legal_status")
PLACE = _t("ssd_cla_placement")
CLAR = _t("ssd_cla_reviews")
MISS = _t("ssd_missing")
LEAVER = _t("ssd_care_leavers")
IMMI = _t("ssd_immigration_status")
PERM = _t("ssd_permanence")

# a period of care (clae_cla_id): its person, first start and end (null while any episode is open)
_PERIOD = (
    f"(select e.clae_cla_id as cla_id, min(e.clae_person_id) as person_id, "
    f"min(e.clae_cla_episode_start_date) as period_start, "
    f"case when count(*) = count(e.clae_cla_episode_ceased_date) then max(e.clae_cla_episode_ceased_date) end "
    f"as period_end from {EPI} as e group by e.clae_cla_id)"
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
        select a.cina_assessment_id as failing_key from {ASMT} as a
        join {REF} as r on r.cine_referral_id = a.cina_referral_id
        where a.cina_assessment_start_date < r.cine_referral_date"""),
    _cin("1104", "The date of the initial child protection conference cannot be before the referral date",
         "blocking", f"""
        select i.icpc_icpc_id as failing_key from {ICPC} as i
        join {REF} as r on r.cine_referral_id = i.icpc_referral_id
        where i.icpc_icpc_date < r.cine_referral_date"""),
    _cin("1105", "The child protection plan start date cannot be before the referral date", "blocking", f"""
        select p.cppl_cp_plan_id as failing_key from {CPP} as p
        join {REF} as r on r.cine_referral_id = p.cppl_referral_id
        where p.cppl_cp_plan_start_date < r.cine_referral_date"""),
    _cin("2885", "Child protection plan shown as starting a different day to the initial child protection "
         "conference.", "blocking", f"""
        select p.cppl_cp_plan_id as failing_key from {CPP} as p
        join {ICPC} as i on i.icpc_icpc_id = p.cppl_icpc_id
        where p.cppl_cp_plan_start_date <> i.icpc_icpc_date"""),
    _cin("2889", "The S47 start date cannot be before the referral date.", "blocking", f"""
        select s.s47e_s47_enquiry_id as failing_key from {S47} as s
        join {REF} as r on r.cine_referral_id = s.s47e_referral_id
        where s.s47e_s47_start_date < r.cine_referral_date"""),
    _cin("4000", "CIN Plan details provided for a referral with no further action", "blocking", f"""
        select c.cinp_cin_plan_id as failing_key from {CINP} as c
        join {REF} as r on r.cine_referral_id = c.cinp_referral_id
        where {_yes('r.cine_referral_nfa')}"""),
    _cin("4001", "A CIN Plan cannot run concurrently with a Child Protection Plan", "blocking", f"""
        select c.cinp_cin_plan_id as failing_key from {CINP} as c
        join {CPP} as p on p.cppl_person_id = c.cinp_person_id
        where c.cinp_cin_plan_start_date < coalesce(p.cppl_cp_plan_end_date, date '9999-12-31')
          and p.cppl_cp_plan_start_date < coalesce(c.cinp_cin_plan_end_date, date '9999-12-31')"""),
    _cin("4008", "CIN Plan shown as starting after the child’s Date of Death.", "blocking", f"""
        select c.cinp_cin_plan_id as failing_key from {CINP} as c
        join {PERSON} as p on p.pers_person_id = c.cinp_person_id
        where c.cinp_cin_plan_start_date > p.pers_death_date"""),
    _cin("4011", "CIN Plan End Date earlier than Start Date", "blocking", f"""
        select c.cinp_cin_plan_id as failing_key from {CINP} as c
        where c.cinp_cin_plan_end_date < c.cinp_cin_plan_start_date"""),
    _cin("4015", "The CIN Plan start date cannot be before the referral date", "blocking", f"""
        select c.cinp_cin_plan_id as failing_key from {CINP} as c
        join {REF} as r on r.cine_referral_id = c.cinp_referral_id
        where c.cinp_cin_plan_start_date < r.cine_referral_date"""),
    _cin("8525Q", "Either Date of Birth or Expected Date of Birth must be provided (but not both)", "warning", f"""
        select p.pers_person_id as failing_key from {PERSON} as p
        where (p.pers_dob is null and p.pers_expected_dob is null)
           or (p.pers_dob is not null and p.pers_expected_dob is not null)"""),
    _cin("8535Q", "Please check and either amend data or provide a reason: Child’s date of death should not be "
         "prior to the date of birth", "warning", f"""
        select p.pers_person_id as failing_key from {PERSON} as p where p.pers_death_date < p.pers_dob"""),
    _cin("8555Q", "Child cannot be referred after its recorded date of death", "warning", f"""
        select r.cine_referral_id as failing_key from {REF} as r
        join {PERSON} as p on p.pers_person_id = r.cine_person_id
        where r.cine_referral_date > p.pers_death_date"""),
    _cin("8565", "Activity shown after a case has been closed", "blocking", f"""
        select a.cina_assessment_id as failing_key from {ASMT} as a
        join {REF} as r on r.cine_referral_id = a.cina_referral_id
        where a.cina_assessment_start_date > r.cine_close_date""",
         "checked on assessment start dates"),
    _cin("8606", "Child referral date is more than 40 weeks before DOB or expected DOB", "warning", f"""
        select r.cine_referral_id as failing_key from {REF} as r
        join {PERSON} as p on p.pers_person_id = r.cine_person_id
        where r.cine_referral_date < coalesce(p.pers_dob, p.pers_expected_dob) - interval '280 days'""",
         "a referral after birth or up to 40 weeks before it passes (unborn children); a warning, not blocking, because the raw suites treat implausible referral dates as warnings (test_date_outside_1990_to_as_of_warns)"),
    _cin("8608", "Assessment Start Date cannot be later than its End Date", "blocking", f"""
        select a.cina_assessment_id as failing_key from {ASMT} as a
        where a.cina_assessment_auth_date < a.cina_assessment_start_date""",
         "the SSD's assessment authorisation date is the census's assessment end date"),
    _cin("8615", "Section 47 Enquiry Start Date must be present and cannot be later than the date of the initial "
         "Child Protection Conference", "blocking", f"""
        select i.icpc_icpc_id as failing_key from {ICPC} as i
        join {S47} as s on s.s47e_s47_enquiry_id = i.icpc_s47_enquiry_id
        where i.icpc_icpc_date < s.s47e_s47_start_date"""),
    _cin("8630", "CIN Closure Date is before CIN Referral Date for the same CIN episode", "blocking", f"""
        select r.cine_referral_id as failing_key from {REF} as r
        where r.cine_close_date < r.cine_referral_date"""),
    _cin("8640", "CIN Reason for closure code invalid (see Reason for Closure table in CIN Census code set)",
         "warning", f"""
        select r.cine_referral_id as failing_key from {REF} as r
        where r.cine_close_reason is not null and upper(trim(r.cine_close_reason)) not in {_in_list(CIN_CLOSE_REASONS)}"""),
    _cin("8805", "A CIN case cannot have a CIN closure date without a Reason for Closure", "blocking", f"""
        select r.cine_referral_id as failing_key from {REF} as r
        where r.cine_close_date is not null and (r.cine_close_reason is null or trim(r.cine_close_reason) = '')"""),
    _cin("8810", "A CIN case cannot have a Reason for Closure without a CIN Closure Date", "blocking", f"""
        select r.cine_referral_id as failing_key from {REF} as r
        where r.cine_close_date is null and r.cine_close_reason is not null and trim(r.cine_close_reason) <> ''"""),
    _cin("8815", "More than one open CIN Details episode (a module with no CIN Closure Date) has been provided for "
         "this child and case is not a referral with no further action.", "blocking", f"""
        select r.cine_referral_id as failing_key from {REF} as r
        where r.cine_close_date is null and not ({_yes('r.cine_referral_nfa')})
          and exists (select 1 from {REF} as o
                      where o.cine_person_id = r.cine_person_id and o.cine_referral_id <> r.cine_referral_id
                        and o.cine_close_date is null and not ({_yes('o.cine_referral_nfa')}))"""),
    _cin("8820", "The dates on the CIN episodes for this child overlap", "warning", f"""
        select later.cine_referral_id as failing_key from {REF} as later
        join {REF} as earlier on earlier.cine_person_id = later.cine_person_id
         and earlier.cine_referral_id <> later.cine_referral_id
        where not ({_yes('earlier.cine_referral_nfa')})
          and (earlier.cine_referral_date < later.cine_referral_date
               or (earlier.cine_referral_date = later.cine_referral_date
                   and earlier.cine_referral_id < later.cine_referral_id))
          and later.cine_referral_date < coalesce(earlier.cine_close_date, date '9999-12-31')""",
         "an episode may start on the day the previous one closed; open NFA referrals are not counted as open; a "
         "warning here (DfE: error) because a mistyped future close date, which the raw suites only warn on, "
         "makes an overlap (test_date_outside_1990_to_as_of_warns)"),
    _cin("8831", "Activity is recorded against a case marked as a referral with no further action", "blocking", f"""
        select a.cina_assessment_id as failing_key from {ASMT} as a
        join {REF} as r on r.cine_referral_id = a.cina_referral_id
        where {_yes('r.cine_referral_nfa')}
        union all
        select s.s47e_s47_enquiry_id as failing_key from {S47} as s
        join {REF} as r on r.cine_referral_id = s.s47e_referral_id
        where {_yes('r.cine_referral_nfa')}""", "checked on assessments and S47 enquiries"),
    _cin("8832", "Child Protection details provided for a referral with no further action.", "blocking", f"""
        select p.cppl_cp_plan_id as failing_key from {CPP} as p
        join {REF} as r on r.cine_referral_id = p.cppl_referral_id
        where {_yes('r.cine_referral_nfa')}"""),
    _cin("8840", "Child Protection Plan cannot start and end on the same day", "blocking", f"""
        select p.cppl_cp_plan_id as failing_key from {CPP} as p
        where p.cppl_cp_plan_end_date = p.cppl_cp_plan_start_date"""),
    _cin("8841", "The review date cannot be on the same day or before the Child protection Plan start date.",
         "blocking", f"""
        select v.cppr_cp_review_id as failing_key from {CPR} as v
        join {CPP} as p on p.cppl_cp_plan_id = v.cppr_cp_plan_id
        where v.cppr_cp_review_date <= p.cppl_cp_plan_start_date"""),
    _cin("8863Q", "An Assessment is shown as starting when there is another Assessment ongoing.", "warning", f"""
        select later.cina_assessment_id as failing_key from {ASMT} as later
        join {ASMT} as earlier on earlier.cina_person_id = later.cina_person_id
         and earlier.cina_assessment_id <> later.cina_assessment_id
        where earlier.cina_assessment_start_date < later.cina_assessment_start_date
          and later.cina_assessment_start_date < coalesce(earlier.cina_assessment_auth_date, date '9999-12-31')"""),
    _cin("8890", "A Section 47 enquiry is shown as starting when there is another Section 47 Enquiry ongoing",
         "blocking", f"""
        select later.s47e_s47_enquiry_id as failing_key from {S47} as later
        join {S47} as earlier on earlier.s47e_person_id = later.s47e_person_id
         and earlier.s47e_s47_enquiry_id <> later.s47e_s47_enquiry_id
        where earlier.s47e_s47_start_date < later.s47e_s47_start_date
          and later.s47e_s47_start_date < coalesce(earlier.s47e_s47_end_date, date '9999-12-31')""",
         "ongoing = before the S47 end date (the census uses the ICPC date)"),
    _cin("8915", "Child Protection Plan shown as starting after the child’s Date of Death", "blocking", f"""
        select c.cppl_cp_plan_id as failing_key from {CPP} as c
        join {PERSON} as p on p.pers_person_id = c.cppl_person_id
        where c.cppl_cp_plan_start_date > p.pers_death_date"""),
    _cin("8925", "Child Protection Plan End Date earlier than Start Date", "blocking", f"""
        select p.cppl_cp_plan_id as failing_key from {CPP} as p
        where p.cppl_cp_plan_end_date < p.cppl_cp_plan_start_date"""),
    _cin("8935", "This child is showing more than one open Child Protection plan, i.e. with no End Date",
         "blocking", f"""
        select p.cppl_cp_plan_id as failing_key from {CPP} as p
        where p.cppl_cp_plan_end_date is null
          and exists (select 1 from {CPP} as o where o.cppl_person_id = p.cppl_person_id
                      and o.cppl_cp_plan_id <> p.cppl_cp_plan_id and o.cppl_cp_plan_end_date is null)"""),
    _cin("8940", "Child Protection Plan data contains overlapping dates", "blocking", f"""
        select later.cppl_cp_plan_id as failing_key from {CPP} as later
        join {CPP} as earlier on earlier.cppl_person_id = later.cppl_person_id
         and earlier.cppl_cp_plan_id <> later.cppl_cp_plan_id
        where earlier.cppl_cp_plan_start_date < later.cppl_cp_plan_start_date
          and later.cppl_cp_plan_start_date < coalesce(earlier.cppl_cp_plan_end_date, date '9999-12-31')"""),
    _local("CIN", "L01", "Assessment recorded against a referral that is not in the extract", "blocking", f"""
        select a.cina_assessment_id as failing_key from {ASMT} as a
        where a.cina_referral_id is null
           or not exists (select 1 from {REF} as r where r.cine_referral_id = a.cina_referral_id)"""),
    _local("CIN", "L02", "Section 47 enquiry recorded against a referral that is not in the extract", "blocking", f"""
        select s.s47e_s47_enquiry_id as failing_key from {S47} as s
        where s.s47e_referral_id is null
           or not exists (select 1 from {REF} as r where r.cine_referral_id = s.s47e_referral_id)"""),
    _local("CIN", "L03", "Child protection plan recorded against a referral that is not in the extract", "blocking",
           f"""
        select p.cppl_cp_plan_id as failing_key from {CPP} as p
        where p.cppl_referral_id is null
           or not exists (select 1 from {REF} as r where r.cine_referral_id = p.cppl_referral_id)"""),
    _local("CIN", "L04", "Section 47 enquiry end date is before its start date", "blocking", f"""
        select s.s47e_s47_enquiry_id as failing_key from {S47} as s
        where s.s47e_s47_end_date < s.s47e_s47_start_date""",
           "the census has no S47 end date, so the DfE has no such check"),
]

_903_RULES: list[DfeRule] = [
    _903("142", "A new episode has started, but the previous episode has not ended.", "blocking", f"""
        select e.clae_cla_episode_id as failing_key from {EPI} as e
        where e.clae_cla_episode_ceased_date is null
          and exists (select 1 from {EPI} as n where n.clae_person_id = e.clae_person_id
                      and n.clae_cla_episode_start_date > e.clae_cla_episode_start_date)"""),
    _903("148", "Date episode ceased and reason episode ceased must both be coded, or both left blank.",
         "blocking", f"""
        select e.clae_cla_episode_id as failing_key from {EPI} as e
        where (e.clae_cla_episode_ceased_date is null)
           <> (e.clae_cla_episode_ceased_reason is null or trim(e.clae_cla_episode_ceased_reason) = '')"""),
    _903("184", "Date of decision that a child should be placed for adoption is before the child was born.",
         "blocking", f"""
        select m.perm_table_id as failing_key from {PERM} as m
        join {PERSON} as p on p.pers_person_id = m.perm_person_id
        where m.perm_adm_decision_date < p.pers_dob"""),
    _903("302", "First episode starts before child was born.", "blocking", f"""
        select e.clae_cla_episode_id as failing_key from {EPI} as e
        join {PERSON} as p on p.pers_person_id = e.clae_person_id
        where e.clae_cla_episode_start_date < p.pers_dob"""),
    _903("304", "Date unaccompanied asylum-seeking child (UASC) status ceased must be on or before the 18th "
         "birthday of a child.", "blocking", f"""
        select i.immi_immigration_status_id as failing_key from {IMMI} as i
        join {PERSON} as p on p.pers_person_id = i.immi_person_id
        where upper(trim(i.immi_immigration_status)) = 'UASC'
          and (i.immi_immigration_status_end_date > p.pers_dob + interval '18 years'
               or i.immi_immigration_status_start_date > p.pers_dob + interval '18 years')""",
         "also fails UASC status starting after the 18th birthday"),
    _903("331", "Date of matching child and adopter(s) should be the same as, or prior to, the date of placement "
         "of adoption.", "blocking", f"""
        select m.perm_table_id as failing_key from {PERM} as m
        where m.perm_matched_date > m.perm_placed_for_adoption_date"""),
    _903("333", "Date should be placed for adoption must be on or prior to the date of matching child with "
         "adopter(s).", "blocking", f"""
        select m.perm_table_id as failing_key from {PERM} as m
        where m.perm_adm_decision_date > m.perm_matched_date"""),
    _903("352", "Child who started to be looked after was aged 18 or over.", "blocking", f"""
        select e.clae_cla_episode_id as failing_key from {EPI} as e
        join {PERSON} as p on p.pers_person_id = e.clae_person_id
        where upper(trim(e.clae_cla_episode_start_reason)) = 'S'
          and e.clae_cla_episode_start_date >= p.pers_dob + interval '18 years'"""),
    _903("356", "The date the episode ceased is before the date the same episode started.", "blocking", f"""
        select e.clae_cla_episode_id as failing_key from {EPI} as e
        where e.clae_cla_episode_ceased_date < e.clae_cla_episode_start_date"""),
    _903("357", "If this is the first episode ever for this child, reason for new episode must be S.", "blocking",
         f"""
        select e.clae_cla_episode_id as failing_key from {EPI} as e
        where upper(trim(e.clae_cla_episode_start_reason)) <> 'S'
          and not exists (select 1 from {EPI} as o where o.clae_person_id = e.clae_person_id
                          and o.clae_cla_episode_start_date < e.clae_cla_episode_start_date)"""),
    _903("358", "Child with this legal status should not be under 10.", "blocking", f"""
        select l.lega_legal_status_id as failing_key from {LEGAL} as l
        join {PERSON} as p on p.pers_person_id = l.lega_person_id
        where upper(trim(l.lega_legal_status)) in ('J1', 'J2', 'J3')
          and l.lega_legal_status_start_date < p.pers_dob + interval '10 years'"""),
    _903("361", "Police protection legal status lasted longer than maximum 72 hours allowed", "warning", f"""
        select l.lega_legal_status_id as failing_key from {LEGAL} as l
        where upper(trim(l.lega_legal_status)) = 'L1'
          and l.lega_legal_status_end_date > l.lega_legal_status_start_date + interval '3 days'""",
         "dates only: more than 3 days"),
    _903("386", "Reason episode ceased is adopted but child has reached age 18.", "warning", f"""
        select e.clae_cla_episode_id as failing_key from {EPI} as e
        join {PERSON} as p on p.pers_person_id = e.clae_person_id
        where upper(trim(e.clae_cla_episode_ceased_reason)) in ('E11', 'E12')
          and e.clae_cla_episode_ceased_date >= p.pers_dob + interval '18 years'"""),
    _903("387", "Reason episode ceased is child moved into independent living arrangement, but the child is aged "
         "under 14.", "warning", f"""
        select e.clae_cla_episode_id as failing_key from {EPI} as e
        join {PERSON} as p on p.pers_person_id = e.clae_person_id
        where upper(trim(e.clae_cla_episode_ceased_reason)) in ('E5', 'E6')
          and e.clae_cla_episode_ceased_date < p.pers_dob + interval '14 years'"""),
    _903("388", "Reason episode ceased is coded new episode begins, but there is no continuation episode.",
         "blocking", f"""
        select e.clae_cla_episode_id as failing_key from {EPI} as e
        where upper(trim(e.clae_cla_episode_ceased_reason)) = 'X1'
          and not exists (select 1 from {EPI} as n where n.clae_person_id = e.clae_person_id
                          and n.clae_cla_episode_id <> e.clae_cla_episode_id
                          and n.clae_cla_episode_start_date = e.clae_cla_episode_ceased_date)"""),
    _903("431", "The reason for new episode is started to be looked after, but the previous episode ended on the "
         "same day.", "blocking", f"""
        select e.clae_cla_episode_id as failing_key from {EPI} as e
        where upper(trim(e.clae_cla_episode_start_reason)) = 'S'
          and exists (select 1 from {EPI} as prev where prev.clae_person_id = e.clae_person_id
                      and prev.clae_cla_episode_id <> e.clae_cla_episode_id
                      and prev.clae_cla_episode_ceased_date = e.clae_cla_episode_start_date)"""),
    _903("432", "The child ceased to be looked after at the end of the previous episode but the reason for the new "
         "episode is not started to be looked after.", "blocking", f"""
        select e.clae_cla_episode_id as failing_key from {EPI} as e
        where upper(trim(e.clae_cla_episode_start_reason)) in {_in_list(CONTINUATION)}
          and exists (select 1 from {EPI} as prev where prev.clae_person_id = e.clae_person_id
                      and prev.clae_cla_episode_id <> e.clae_cla_episode_id
                      and prev.clae_cla_episode_ceased_date = e.clae_cla_episode_start_date
                      and upper(trim(prev.clae_cla_episode_ceased_reason)) <> 'X1')"""),
    _903("433", "The reason for new episode suggests that this is a continuation episode, but the episode does "
         "not start on the same day as the last episode finished.", "blocking", f"""
        select e.clae_cla_episode_id as failing_key from {EPI} as e
        where upper(trim(e.clae_cla_episode_start_reason)) in {_in_list(CONTINUATION)}
          and exists (select 1 from {EPI} as o where o.clae_person_id = e.clae_person_id
                      and o.clae_cla_episode_start_date < e.clae_cla_episode_start_date)
          and not exists (select 1 from {EPI} as prev where prev.clae_person_id = e.clae_person_id
                          and prev.clae_cla_episode_id <> e.clae_cla_episode_id
                          and prev.clae_cla_episode_ceased_date = e.clae_cla_episode_start_date)""",
         "a first-ever episode that is not S is 903 357"),
    _903("437", "Reason episode ceased is child has died or is aged 18 or over but there are further episodes.",
         "blocking", f"""
        select e.clae_cla_episode_id as failing_key from {EPI} as e
        where upper(trim(e.clae_cla_episode_ceased_reason)) = 'E2'
          and exists (select 1 from {EPI} as n where n.clae_person_id = e.clae_person_id
                      and n.clae_cla_episode_start_date >= e.clae_cla_episode_ceased_date
                      and n.clae_cla_episode_id <> e.clae_cla_episode_id)""", "checked for E2 (died)"),
    _903("440", "Participation method indicates child was under 4 years old at the time of the review, but date "
         "of birth and review date indicates the child was 4 years old or over.", "warning", f"""
        select v.clar_cla_review_id as failing_key from {CLAR} as v
        join {_PERIOD} as pc on pc.cla_id = v.clar_cla_id
        join {PERSON} as p on p.pers_person_id = pc.person_id
        where upper(trim(v.clar_cla_review_participation)) = 'PN0'
          and v.clar_cla_review_date >= p.pers_dob + interval '4 years'"""),
    _903("441", "Participation method indicates child was 4 years old or over at the time of the review, but the "
         "date of birth and review date indicates the child was under 4 years old.", "warning", f"""
        select v.clar_cla_review_id as failing_key from {CLAR} as v
        join {_PERIOD} as pc on pc.cla_id = v.clar_cla_id
        join {PERSON} as p on p.pers_person_id = pc.person_id
        where upper(trim(v.clar_cla_review_participation)) in ('PN1', 'PN2', 'PN3', 'PN4', 'PN5', 'PN6', 'PN7')
          and v.clar_cla_review_date < p.pers_dob + interval '4 years'"""),
    _903("501", "A new episode has started before the end date of the previous episode.", "blocking", f"""
        select later.clae_cla_episode_id as failing_key from {EPI} as later
        join {EPI} as earlier on earlier.clae_person_id = later.clae_person_id
         and earlier.clae_cla_episode_id <> later.clae_cla_episode_id
        where (earlier.clae_cla_episode_start_date < later.clae_cla_episode_start_date
               or (earlier.clae_cla_episode_start_date = later.clae_cla_episode_start_date
                   and earlier.clae_cla_episode_id < later.clae_cla_episode_id))
          and later.clae_cla_episode_start_date < earlier.clae_cla_episode_ceased_date""",
         "overlapping episodes of one child (an open earlier episode is 903 142)"),
    _903("567", "The date that the missing episode or episode that the child was away from placement without "
         "authorisation ended is before the date that it started.", "blocking", f"""
        select m.miss_table_id as failing_key from {MISS} as m
        where m.miss_missing_episode_end_date < m.miss_missing_episode_start_date"""),
    _903("574", "A new missing/away from placement without authorisation period cannot start when the previous "
         "missing/away from placement without authorisation period is still open.", "warning", f"""
        select later.miss_table_id as failing_key from {MISS} as later
        join {MISS} as earlier on earlier.miss_person_id = later.miss_person_id
         and earlier.miss_table_id <> later.miss_table_id
        where earlier.miss_missing_episode_start_date < later.miss_missing_episode_start_date
          and later.miss_missing_episode_start_date
              < coalesce(earlier.miss_missing_episode_end_date, date '9999-12-31')"""),
    _903("586", "Dates of missing periods are before child’s date of birth.", "blocking", f"""
        select m.miss_table_id as failing_key from {MISS} as m
        join {PERSON} as p on p.pers_person_id = m.miss_person_id
        where m.miss_missing_episode_start_date < p.pers_dob"""),
    _903("1003", "Date of LA's decision that a child should be placed for adoption is before the child started "
         "to be looked after.", "blocking", f"""
        select m.perm_table_id as failing_key from {PERM} as m
        join {_PERIOD} as pc on pc.cla_id = m.perm_cla_id
        where m.perm_adm_decision_date < pc.period_start"""),
    _local("903", "L05", "Placement outside its period of care (starts before the period's first episode or "
           "after its last episode ceased)", "blocking", f"""
        select pl.clap_cla_placement_id as failing_key from {PLACE} as pl
        join {_PERIOD} as pc on pc.cla_id = pl.clap_cla_id
        where pl.clap_cla_placement_start_date < pc.period_start
           or pl.clap_cla_placement_start_date >= pc.period_end
           or pl.clap_cla_placement_end_date > pc.period_end""",
           "the 903 records placements inside episodes; SSD placements link to the period of care"),
    _local("903", "L06", "Placement recorded against a period of care with no CLA episode", "blocking", f"""
        select pl.clap_cla_placement_id as failing_key from {PLACE} as pl
        where not exists (select 1 from {EPI} as e where e.clae_cla_id = pl.clap_cla_id)"""),
    _local("903", "L07", "CLA review held after the period of care ended", "warning", f"""
        select v.clar_cla_review_id as failing_key from {CLAR} as v
        join {_PERIOD} as pc on pc.cla_id = v.clar_cla_id
        where v.clar_cla_review_date > pc.period_end"""),
    _local("903", "L08", "Care leaver aged under 16 or over 25 at the latest contact", "warning", f"""
        select c.clea_table_id as failing_key from {LEAVER} as c
        join {PERSON} as p on p.pers_person_id = c.clea_person_id
        where c.clea_care_leaver_latest_contact < p.pers_dob + interval '16 years'
           or c.clea_care_leaver_latest_contact >= p.pers_dob + interval '26 years'""",
           "related DfE checks: 903 351 (over 25 at the start of the year)"),
    _local("903", "L09", "Missing episode starts before the child first started to be looked after", "warning", f"""
        select m.miss_table_id as failing_key from {MISS} as m
        join (select e.clae_person_id as person_id, min(e.clae_cla_episode_start_date) as first_start
              from {EPI} as e group by e.clae_person_id) as f on f.person_id = m.miss_person_id
        where m.miss_missing_episode_start_date < f.first_start""",
           "close to 903 581 ('Child is missing but has not yet started to be looked after'); checked only for "
           "children with a CLA episode, since the SSD also holds missing episodes of children not looked after"),
]

RULES: list[DfeRule] = CIN_RULES + _903_RULES


# --- evaluation ---------------------------------------------------------------------------------------


def _existing_tables(con: Connection) -> set[str]:
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = current_database() and table_schema = 'raw'"
    ).fetchall()
    return {r[0] for r in rows}


def count_failing(con: Connection, sql: str) -> tuple[int, list[str]]:
    """How many rows `sql` returns, and up to five distinct `failing_key` values (sorted) as a sample."""
    count = int(con.execute(f"select count(*) from ({sql}) as failing").fetchall()[0][0])
    keys: list[str] = []
    if count:
        keys = [str(r[0]) for r in con.execute(
            f"select distinct failing_key from ({sql}) as failing order by failing_key limit {SAMPLE_SIZE}").fetchall()]
    return count, keys


def evaluate_rules(con: Connection, rules: list[DfeRule] | None = None) -> list[RuleResult]:
    """Run every rule on the current batch. A rule whose tables are absent or empty passes with 0 rows (its
    feed has not been delivered: the loaded checks say so); a rule whose SQL fails is reported with the
    error, never raised."""
    existing = _existing_tables(con)
    row_counts: dict[str, int] = {}
    results: list[RuleResult] = []
    for rule in RULES if rules is None else rules:
        try:
            skip = False
            for table in rule.tables:
                if table not in existing:
                    skip = True
                    break
                if table not in row_counts:
                    row_counts[table] = con.execute(f"select count(*) from raw.{table}").fetchone()[0]
                if row_counts[table] == 0:
                    skip = True
                    break
            if skip:
                results.append(RuleResult(rule, 0, []))
                continue
            count, keys = count_failing(con, rule.sql)
            results.append(RuleResult(rule, count, keys))
        except Exception as exc:  # noqa: BLE001 - reported on the rule, the other rules still run
            results.append(RuleResult(rule, 0, [], f"{type(exc).__name__}: {exc}"))
    return results
