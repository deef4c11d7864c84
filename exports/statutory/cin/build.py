"""The CIN census XML, built with lxml from the children read (read.py) in the year's element order (spec.py).

Each group is filled from a mapping of element name -> value and written in the order the year's file sets;
an absent value (None, or an empty list) leaves its element out. Dates are ISO (yyyy-mm-dd), booleans the
year's true/false words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from lxml import etree

from exports.statutory.cin.read import Assessment, Child, CpPlan, Referral, Section47
from exports.statutory.cin.spec import CensusYear

SOURCE_LEVEL = "L"  # the return comes from a local authority
SOFTWARE_CODE = "Local Authority"  # the code an authority's own software returns (no supplier's package)


@dataclass(frozen=True)
class HeaderFacts:
    la_code: str  # <LEA>: the authority's three-digit DfE code
    release: str  # <Release>: this software's version
    serial_no: int  # <SerialNo>
    generated_at: datetime  # <DateTime>, UTC to the second


def build_message(year: CensusYear, header: HeaderFacts, children: list[Child]) -> etree._Element:
    values = {
        "Header": {
            "CollectionDetails": {"Collection": year.collection, "Year": year.header_year,
                                  "ReferenceDate": year.reference_date},
            "Source": {"SourceLevel": SOURCE_LEVEL, "LEA": header.la_code, "SoftwareCode": SOFTWARE_CODE,
                       "Release": header.release, "SerialNo": f"{header.serial_no:03d}",
                       "DateTime": header.generated_at.replace(microsecond=0, tzinfo=None).isoformat()},
        },
        "Children": {"Child": [_child(year, child) for child in children]},
    }
    root = etree.Element("Message")
    _fill(year, root, values)
    return root


def census_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _child(year: CensusYear, child: Child) -> dict:
    return {
        "ChildIdentifiers": {
            "LAchildID": child.la_child_id,
            "UPN": child.upn,
            "FormerUPN": child.former_upn,
            "UPNunknown": child.upn_unknown,
            "PersonBirthDate": child.birth_date,
            "ExpectedPersonBirthDate": child.expected_birth_date,
            year.sex_element: year.sex_codes.get(child.sex) if child.sex is not None else None,
            "PersonDeathDate": child.death_date,
        },
        "ChildCharacteristics": {"Ethnicity": child.ethnicity, "Disabilities": list(child.disabilities)},
        "CINdetails": [_cin_details(referral) for referral in child.referrals],
    }


def _cin_details(referral: Referral) -> dict:
    return {
        "CINreferralDate": referral.referral_date,
        "ReferralSource": referral.source,
        "PrimaryNeedCode": referral.primary_need,
        "CINclosureDate": referral.close_date,
        "ReasonForClosure": referral.close_reason,
        "DateOfInitialCPC": referral.icpc_date,
        "ReferralNFA": referral.is_nfa,
        "Assessments": [_assessment(a) for a in referral.assessments],
        "CINPlanDates": [{"CINPlanStartDate": p.start_date, "CINPlanEndDate": p.end_date} for p in referral.cin_plans],
        "Section47": [_section47(s) for s in referral.section47s],
        "ChildProtectionPlans": [_cp_plan(p) for p in referral.cp_plans],
    }


def _assessment(assessment: Assessment) -> dict:
    return {
        "AssessmentActualStartDate": assessment.start_date,
        "AssessmentAuthorisationDate": assessment.authorised_date,
        "FactorsIdentifiedAtAssessment": list(assessment.factors),
    }


def _section47(enquiry: Section47) -> dict:
    return {
        "S47ActualStartDate": enquiry.start_date,
        "InitialCPCtarget": enquiry.icpc_target,
        "DateOfInitialCPC": enquiry.icpc_date,
        "ICPCnotRequired": enquiry.icpc_not_required,
    }


def _cp_plan(plan: CpPlan) -> dict:
    return {
        "CPPstartDate": plan.start_date,
        "CPPendDate": plan.end_date,
        "InitialCategoryOfAbuse": plan.initial_category,
        "LatestCategoryOfAbuse": plan.latest_category,
        "NumberOfPreviousCPP": plan.previous_plans,
        "Reviews": list(plan.review_dates),
    }


def _fill(year: CensusYear, element: etree._Element, values: dict) -> None:
    """Append `values` under `element` in the order year.order sets for it."""
    order = year.order[element.tag]
    unknown = sorted(set(values) - set(order))
    if unknown:
        raise ValueError(f"{year.year}: {element.tag} has no element {', '.join(unknown)}")
    for name in order:
        value = values.get(name)
        if value is None or value == [] or value == "":
            continue
        if name in year.lists:
            wrapper = etree.SubElement(element, name)
            for item in value:
                etree.SubElement(wrapper, year.lists[name]).text = _text(year, item)
        elif isinstance(value, list):  # a group that repeats
            for item in value:
                _fill(year, etree.SubElement(element, name), item)
        elif isinstance(value, dict):
            _fill(year, etree.SubElement(element, name), value)
        else:
            etree.SubElement(element, name).text = _text(year, value)


def _text(year: CensusYear, value) -> str:
    if isinstance(value, bool):
        return year.flag(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)
