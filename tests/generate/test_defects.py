"""Planted defects (synthetic/defects.py): named, deterministic, each changing the record it names.
That each is caught by its check is asserted on a full pipeline run (tests/integration/test_planted_defects.py)."""

from __future__ import annotations

from datetime import date

import pytest

from synthetic import Request, build
from synthetic.defects import DEFECTS, UnknownDefect, parse, plant

EXTRACT = date(2025, 3, 31)


@pytest.fixture(scope="module")
def landing():
    return build(Request(start=date(2023, 4, 1), end=EXTRACT, seed=3, scale=0.3))


def _copy(frames):
    return {path: frame.copy() for path, frame in frames.items()}


def test_parse_names_all_and_refuses_unknown_ones():
    assert [d.name for d in parse("all")] == list(DEFECTS)
    assert [d.name for d in parse("orphan_placement, cp_plan_before_referral")] == [
        "cp_plan_before_referral", "orphan_placement"]
    assert parse(None) == [] and parse("") == []
    with pytest.raises(UnknownDefect, match="unknown defect.*no_such_defect.*known: all, cp_plan_before_referral"):
        parse("orphan_placement,no_such_defect")


def test_every_defect_names_a_check_and_a_blocking_one_is_among_them():
    assert all(d.suite and d.check_name and d.severity in ("blocking", "warning") for d in DEFECTS.values())
    assert any(d.severity == "blocking" for d in DEFECTS.values())  # so `csw check` exits 1 on planted data


def test_planting_is_deterministic_and_changes_the_named_records(landing):
    first, second = _copy(landing.frames), _copy(landing.frames)
    planted = plant(first, parse("all"), seed=3, extract=EXTRACT)
    assert planted == plant(second, parse("all"), seed=3, extract=EXTRACT)
    assert all(first[p].equals(second[p]) for p in first)

    plans = first["case_system/ssd_cp_plans.csv"].set_index("cppl_cp_plan_id")
    referrals = first["case_system/ssd_cin_episodes.csv"].set_index("cine_referral_id")
    plan = plans.loc[planted["cp_plan_before_referral"]]
    assert plan["cppl_cp_plan_start_date"] < referrals.loc[plan["cppl_referral_id"], "cine_referral_date"]

    placements = first["case_system/ssd_cla_placement.csv"].set_index("clap_cla_placement_id")
    assert placements.loc[planted["orphan_placement"], "clap_cla_id"] == "CLA-NOT-IN-EXTRACT"

    contacts = first["case_system/ssd_contacts.csv"].set_index("cont_contact_id")
    assert contacts.loc[planted["future_contact_date"], "cont_contact_date"] > EXTRACT.isoformat()

    health = first[f"health/{planted['duplicate_health_key']}"]
    assert health["assessment_id"].duplicated().sum() == 1
    # the clean frames were not touched
    assert not landing.frames["case_system/ssd_cla_placement.csv"]["clap_cla_id"].eq("CLA-NOT-IN-EXTRACT").any()
