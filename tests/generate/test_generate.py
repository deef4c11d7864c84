"""The seeded synthetic data generator (`csw generate`): layout, determinism, coherent journeys, volumes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import holidays
import numpy as np
import pandas as pd
import pytest

from synthetic import generate
from ingest.case_system.schema import CONTRACT
from ingest.contracts import FEEDS

SCALE = 0.3
START, END = date(2019, 4, 1), date(2025, 3, 31)
YEARS = ((END - START).days + 1) / 365.25
NEW_FEEDS = ("health", "education", "partners", "workforce")


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("landing")
    generate(out, seed=7, scale=SCALE)
    return out


def read(landing: Path, obj: str) -> pd.DataFrame:
    return pd.read_csv(landing / "case_system" / f"{obj}.csv", dtype=str, keep_default_na=False)


def dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values.replace("", None), format="%Y-%m-%d")


def working_days(start: pd.Series, end: pd.Series) -> np.ndarray:
    """docs/specs/INDICATORS.md: days d with start < d <= end, Monday-Friday, not an England and Wales bank holiday."""
    bank = holidays.country_holidays("GB", subdiv="ENG", years=range(START.year - 25, END.year + 2))
    hol = np.array(sorted(bank), dtype="datetime64[D]")
    a = start.to_numpy().astype("datetime64[D]") + 1
    b = end.to_numpy().astype("datetime64[D]") + 1
    return np.busday_count(a, b, holidays=hol)


def open_at(start: pd.Series, end: pd.Series, day: pd.Timestamp) -> pd.Series:
    return (start <= day) & (end.isna() | (end > day))


# Layout and determinism


def test_every_contract_object_is_written_with_exactly_its_header(landing: Path) -> None:
    for table in CONTRACT.tables:
        path = landing / "case_system" / f"{table.table}.csv"
        header = path.read_text(encoding="utf-8").split("\n", 1)[0]
        assert header == ",".join(table.column_names), table.table
        assert len(read(landing, table.table)) > 0, f"{table.table} has no rows"


def test_files_are_utf8_with_lf_line_ends(landing: Path) -> None:
    data = (landing / "case_system" / "ssd_cin_episodes.csv").read_bytes()
    assert b"\r\n" not in data and not data.startswith(b"\xef\xbb\xbf")
    data.decode("utf-8")


def test_required_values_are_present(landing: Path) -> None:
    for table in CONTRACT.tables:
        frame = read(landing, table.table)
        for column in table.columns:
            if not column.nullable:
                assert (frame[column.name] != "").all(), f"{table.table}.{column.name} has blanks"


def test_same_seed_same_bytes_other_seed_other_bytes(landing: Path, tmp_path: Path) -> None:
    again, other = tmp_path / "again", tmp_path / "other"
    written = generate(again, seed=7, scale=SCALE)
    generate(other, seed=8, scale=SCALE)
    for relative in written:
        assert (again / relative).read_bytes() == (landing / relative).read_bytes(), relative
    assert (other / "case_system/ssd_cin_episodes.csv").read_bytes() != \
        (landing / "case_system/ssd_cin_episodes.csv").read_bytes()


def test_returns_rows_per_file_and_reports_progress(tmp_path: Path) -> None:
    lines: list[str] = []
    written = generate(tmp_path, start=date(2023, 4, 1), end=date(2024, 3, 31), scale=0.1, progress=lines.append)
    case_system_and_reference = {f"case_system/{t.table}.csv" for t in CONTRACT.tables} | {
        "reference/population.csv", "reference/local_authorities.csv"}
    assert case_system_and_reference <= set(written)
    assert {r.split("/")[0] for r in set(written) - case_system_and_reference} <= set(NEW_FEEDS)
    assert len(lines) == len(written)
    contacts = written["case_system/ssd_contacts.csv"]
    assert f"case_system/ssd_contacts.csv: {contacts:,} rows" in lines
    for relative, rows in written.items():
        assert len(pd.read_csv(tmp_path / relative, dtype=str)) == rows


# Reference data


def test_population_single_years_for_the_authority(landing: Path) -> None:
    pop = pd.read_csv(landing / "reference" / "population.csv", dtype={"la_code": str, "age": str})
    assert list(pop.columns) == ["la_code", "year", "age", "population"]
    assert set(pop.la_code) == {"841"}
    assert sorted(pop.year.unique()) == list(range(2018, END.year + 1))
    assert (pop.groupby("year").age.apply(lambda a: sorted(a.astype(int))) .apply(len) == 18).all()
    totals = pop.groupby("year").population.sum()
    assert totals.between(20_000 * SCALE, 26_000 * SCALE).all()


def test_local_authorities_are_the_north_east(landing: Path, tmp_path: Path) -> None:
    las = pd.read_csv(landing / "reference" / "local_authorities.csv", dtype=str, keep_default_na=False)
    assert len(las) == 12 and set(las.region) == {"North East"}
    darlington = las.set_index("la_code").loc["841"]
    assert (darlington.la_gss_code, darlington.la_name) == ("E06000005", "Darlington")
    for neighbours in las.stat_neighbours:
        assert neighbours and set(neighbours.split(";")) <= set(las.la_code)
    generate(tmp_path, la_code="999", start=date(2024, 1, 1), end=date(2024, 3, 31), scale=0.05)
    other = pd.read_csv(tmp_path / "reference" / "local_authorities.csv", dtype=str, keep_default_na=False)
    row = other.set_index("la_code").loc["999"]
    assert (row.la_name, row.region) == ("Local authority 999", "Unknown")
    assert set(pd.read_csv(tmp_path / "reference" / "population.csv", dtype=str).la_code) == {"999"}


# Identity and references


def test_ids_are_unique_and_every_reference_resolves(landing: Path) -> None:
    person = read(landing, "ssd_person")
    people = set(person.pers_person_id)
    for table in CONTRACT.tables:
        frame = read(landing, table.table)
        key = table.key[0]
        assert frame[key].is_unique, f"{table.table}.{key} is not unique"
        for column in frame.columns:
            if column.endswith("_person_id") and column != key:
                assert set(frame[column]) <= people, f"{table.table}.{column}"
    referrals = set(read(landing, "ssd_cin_episodes").cine_referral_id)
    s47 = set(read(landing, "ssd_s47_enquiry").s47e_s47_enquiry_id)
    icpcs = set(read(landing, "ssd_initial_cp_conference").icpc_icpc_id)
    plans = set(read(landing, "ssd_cp_plans").cppl_cp_plan_id)
    periods = set(read(landing, "ssd_cla_episodes").clae_cla_id)
    checks = {
        ("ssd_cin_assessments", "cina_referral_id"): referrals,
        ("ssd_cin_plans", "cinp_referral_id"): referrals,
        ("ssd_s47_enquiry", "s47e_referral_id"): referrals,
        ("ssd_initial_cp_conference", "icpc_referral_id"): referrals,
        ("ssd_initial_cp_conference", "icpc_s47_enquiry_id"): s47 | {""},
        ("ssd_initial_cp_conference", "icpc_cp_plan_id"): plans | {""},
        ("ssd_cp_plans", "cppl_referral_id"): referrals,
        ("ssd_cp_plans", "cppl_icpc_id"): icpcs,
        ("ssd_cp_visits", "cppv_cp_plan_id"): plans,
        ("ssd_cp_reviews", "cppr_cp_plan_id"): plans,
        ("ssd_cla_placement", "clap_cla_id"): periods,
        ("ssd_cla_reviews", "clar_cla_id"): periods,
        ("ssd_cla_visits", "clav_cla_id"): periods,
        ("ssd_permanence", "perm_cla_id"): periods,
        ("ssd_assessment_factors", "cinf_assessment_id"): set(read(landing, "ssd_cin_assessments").cina_assessment_id),
        ("ssd_involvements", "invo_professional_id"): set(read(landing, "ssd_professionals").prof_professional_id),
        ("ssd_involvements", "invo_professional_team"): set(read(landing, "ssd_department").dept_team_id),
    }
    for (obj, column), known in checks.items():
        assert set(read(landing, obj)[column]) <= known, f"{obj}.{column}"
    assert person.pers_person_id.str.fullmatch(r"P\d{6,}").all()


def test_codes_come_from_the_contract_lists(landing: Path) -> None:
    for table in CONTRACT.tables:
        frame = read(landing, table.table)
        for column in table.columns:
            if column.codes:
                values = set(frame[column.name]) - {""}
                assert values <= set(column.codes), f"{table.table}.{column.name}: {values - set(column.codes)}"
    for obj, column in (("ssd_cin_episodes", "cine_referral_nfa"), ("ssd_cp_visits", "cppv_cp_visit_seen"),
                        ("ssd_initial_cp_conference", "icpc_icpc_transfer_in")):
        assert set(read(landing, obj)[column]) <= {"Y", "N", ""}


# Coherent journeys


def test_front_door_dates_are_in_order(landing: Path) -> None:
    ref = read(landing, "ssd_cin_episodes").set_index("cine_referral_id")
    ref_day = dates(ref.cine_referral_date)
    close = dates(ref.cine_close_date)

    a = read(landing, "ssd_cin_assessments")
    start, auth = dates(a.cina_assessment_start_date), dates(a.cina_assessment_auth_date)
    assert (ref_day.loc[a.cina_referral_id].to_numpy() <= start.to_numpy()).all()
    assert (auth.isna() | (start <= auth)).all()

    s = read(landing, "ssd_s47_enquiry").set_index("s47e_s47_enquiry_id")
    s_start, s_end = dates(s.s47e_s47_start_date), dates(s.s47e_s47_end_date)
    assert (ref_day.loc[s.s47e_referral_id].to_numpy() <= s_start.to_numpy()).all()
    assert (s_end.isna() | (s_start <= s_end)).all()

    icpc = read(landing, "ssd_initial_cp_conference")
    linked = icpc[icpc.icpc_s47_enquiry_id != ""]
    assert (s_start.loc[linked.icpc_s47_enquiry_id].to_numpy() <= dates(linked.icpc_icpc_date).to_numpy()).all()
    assert (icpc.icpc_s47_enquiry_id == "").equals(icpc.icpc_icpc_transfer_in == "Y")

    plans = read(landing, "ssd_cp_plans")
    icpc_day = dates(icpc.set_index("icpc_icpc_id").icpc_icpc_date)
    plan_start, plan_end = dates(plans.cppl_cp_plan_start_date), dates(plans.cppl_cp_plan_end_date)
    assert (icpc_day.loc[plans.cppl_icpc_id].to_numpy() == plan_start.to_numpy()).all()
    assert (plan_end.isna() | (plan_start < plan_end)).all()
    with_plan = icpc[icpc.icpc_icpc_outcome_cp_flag == "Y"]
    assert set(with_plan.icpc_cp_plan_id) == set(plans.cppl_cp_plan_id)

    # The referral closes after its last activity, and stays open while anything is open.
    activity = pd.concat([
        pd.DataFrame({"r": a.cina_referral_id, "end": auth}),
        pd.DataFrame({"r": s.s47e_referral_id.to_numpy(), "end": s_end.to_numpy()}),
        pd.DataFrame({"r": plans.cppl_referral_id, "end": plan_end}),
        pd.DataFrame({"r": read(landing, "ssd_cin_plans").cinp_referral_id,
                      "end": dates(read(landing, "ssd_cin_plans").cinp_cin_plan_end_date)}),
    ])
    closed = activity.r.map(close)
    assert (closed.isna() | (activity.end.notna() & (activity.end <= closed))).all()


def test_contacts_precede_referrals(landing: Path) -> None:
    contacts = read(landing, "ssd_contacts")
    ref = read(landing, "ssd_cin_episodes")
    first_contact = dates(contacts.cont_contact_date).groupby(contacts.cont_person_id).min()
    window = dates(ref.cine_referral_date) >= pd.Timestamp(START)
    referred = ref[window]
    seen = referred.cine_person_id.map(first_contact)
    assert seen.notna().mean() > 0.99
    assert (seen.dropna() <= dates(referred.cine_referral_date)[seen.notna()]).all()


def test_cla_episodes_form_periods_of_care(landing: Path) -> None:
    ep = read(landing, "ssd_cla_episodes")
    ep["start"], ep["end"] = dates(ep.clae_cla_episode_start_date), dates(ep.clae_cla_episode_ceased_date)
    ep["entered"] = dates(ep.clae_entered_care_date)
    assert (ep.end.isna() | (ep.start <= ep.end)).all()
    ep = ep.sort_values(["clae_cla_id", "start"]).reset_index(drop=True)
    period = ep.groupby("clae_cla_id")
    first = period.cumcount() == 0
    last = period.cumcount(ascending=False) == 0
    assert (period.clae_person_id.nunique() == 1).all()
    assert ((ep.clae_cla_episode_start_reason == "S") == first).all()
    assert (ep.entered == period.start.transform("min")).all()
    # Within a period of care each episode ceases X1 on the day the next one starts.
    previous_end, previous_reason = period.end.shift(), period.clae_cla_episode_ceased_reason.shift()
    assert (previous_end[~first] == ep.start[~first]).all()
    assert (previous_reason[~first] == "X1").all()
    assert (ep.clae_cla_episode_ceased_reason[last] != "X1").all()
    assert ep.end[~last].notna().all()


def test_placements_and_legal_statuses_lie_within_periods_of_care(landing: Path) -> None:
    ep = read(landing, "ssd_cla_episodes")
    ep["start"], ep["end"] = dates(ep.clae_cla_episode_start_date), dates(ep.clae_cla_episode_ceased_date)
    far = pd.Timestamp("2100-01-01")
    period = ep.groupby("clae_cla_id").agg(first=("start", "min"), last=("end", lambda e: e.fillna(far).max()),
                                           person=("clae_person_id", "first"))
    pl = read(landing, "ssd_cla_placement")
    p_start, p_end = dates(pl.clap_cla_placement_start_date), dates(pl.clap_cla_placement_end_date).fillna(far)
    bounds = period.loc[pl.clap_cla_id]
    assert (bounds["first"].to_numpy() <= p_start.to_numpy()).all()
    assert (p_end.to_numpy() <= bounds["last"].to_numpy()).all()
    assert (p_start < p_end).all()
    assert (bounds.person.to_numpy() == pl.clap_person_id.to_numpy()).all()

    # Every episode starts inside exactly one legal status of its child (statuses change only at episode starts).
    lg = read(landing, "ssd_legal_status")
    spans = pd.DataFrame({"person": lg.lega_person_id, "s": dates(lg.lega_legal_status_start_date),
                          "e": dates(lg.lega_legal_status_end_date).fillna(far)})
    pairs = ep[["clae_cla_episode_id", "clae_person_id", "start"]].merge(
        spans, left_on="clae_person_id", right_on="person")
    covering = pairs[(pairs.s <= pairs.start) & (pairs.start < pairs.e)].groupby("clae_cla_episode_id").size()
    assert covering.reindex(ep.clae_cla_episode_id, fill_value=0).eq(1).all()


def test_children_are_aged_0_to_17_at_their_events(landing: Path) -> None:
    person = read(landing, "ssd_person").set_index("pers_person_id")
    dob = dates(person.pers_dob)
    unborn = person[person.pers_dob == ""]
    assert len(unborn) and (unborn.pers_expected_dob != "").all()
    events = [("ssd_contacts", "cont_person_id", "cont_contact_date"),
              ("ssd_cin_episodes", "cine_person_id", "cine_referral_date"),
              ("ssd_s47_enquiry", "s47e_person_id", "s47e_s47_start_date"),
              ("ssd_cp_plans", "cppl_person_id", "cppl_cp_plan_start_date"),
              ("ssd_cla_episodes", "clae_person_id", "clae_cla_episode_start_date"),
              ("ssd_cla_placement", "clap_person_id", "clap_cla_placement_start_date")]
    for obj, who, when in events:
        frame = read(landing, obj)
        born = frame[who].map(dob)
        day = dates(frame[when])
        known = born.notna()
        assert (born[known] <= day[known]).all(), obj
        assert (day[known] < born[known] + pd.DateOffset(years=18)).all(), obj


# Volumes and rates (scaled)


def test_volumes_are_plausible_for_the_scale(landing: Path) -> None:
    ref = read(landing, "ssd_cin_episodes")
    in_window = dates(ref.cine_referral_date) >= pd.Timestamp(START)
    per_year = in_window.sum() / YEARS / SCALE
    assert 1000 <= per_year <= 1600
    contacts = read(landing, "ssd_contacts")
    contact_ratio = (dates(contacts.cont_contact_date) >= pd.Timestamp(START)).sum() / in_window.sum()
    assert 2.8 <= contact_ratio <= 4.2
    assert 0.03 <= (ref.cine_referral_nfa[in_window] == "Y").mean() <= 0.12

    end = pd.Timestamp(END)
    plans = read(landing, "ssd_cp_plans")
    cp_open = plans.cppl_person_id[open_at(dates(plans.cppl_cp_plan_start_date),
                                           dates(plans.cppl_cp_plan_end_date), end)].nunique()
    assert 55 * SCALE <= cp_open <= 150 * SCALE
    ep = read(landing, "ssd_cla_episodes")
    cla_open = ep.clae_person_id[open_at(dates(ep.clae_cla_episode_start_date),
                                         dates(ep.clae_cla_episode_ceased_date), end)].nunique()
    assert 180 * SCALE <= cla_open <= 360 * SCALE
    started_before = dates(ep.clae_entered_care_date) < pd.Timestamp(START)
    assert started_before.any(), "children already in care at the window start"


def test_rereferrals_within_12_months_are_8_to_25_percent(landing: Path) -> None:
    ref = read(landing, "ssd_cin_episodes")
    ref["day"] = dates(ref.cine_referral_date)
    ref = ref.sort_values(["cine_person_id", "day"])
    previous = ref.groupby("cine_person_id").day.shift()
    reref = previous.notna() & (previous >= ref.day - pd.DateOffset(months=12))
    share = reref[ref.day >= pd.Timestamp(START)].mean()
    assert 0.08 <= share <= 0.25


def test_assessment_timeliness_and_cp_plan_durations(landing: Path) -> None:
    a = read(landing, "ssd_cin_assessments")
    done = a[a.cina_assessment_auth_date != ""]
    wd = working_days(dates(done.cina_assessment_start_date), dates(done.cina_assessment_auth_date))
    assert 0.08 <= (wd > 45).mean() <= 0.22
    assert 0.6 <= ((wd >= 10) & (wd <= 45)).mean()

    plans = read(landing, "ssd_cp_plans")
    months = (dates(plans.cppl_cp_plan_end_date) - dates(plans.cppl_cp_plan_start_date)).dt.days.dropna() / 30.44
    assert 0.6 <= ((months >= 3) & (months <= 18)).mean()
    assert (months > 24).any()

    icpc = read(landing, "ssd_initial_cp_conference")
    assert (icpc.icpc_icpc_transfer_in == "Y").any()
    s47 = read(landing, "ssd_s47_enquiry").set_index("s47e_s47_enquiry_id")
    linked = icpc[icpc.icpc_s47_enquiry_id != ""]
    wd = working_days(dates(s47.s47e_s47_start_date.loc[linked.icpc_s47_enquiry_id]).reset_index(drop=True),
                      dates(linked.icpc_icpc_date).reset_index(drop=True))
    assert 0.6 <= ((wd >= 5) & (wd <= 25)).mean()


def test_looked_after_detail(landing: Path) -> None:
    ep = read(landing, "ssd_cla_episodes")
    assert {"S", "P", "L", "T"} <= set(ep.clae_cla_episode_start_reason)
    ceased = set(ep.clae_cla_episode_ceased_reason)
    assert {"X1", "E4A", "E13"} <= ceased and ceased & {"E11", "E12"} and ceased & {"E43", "E44"}
    legal = set(read(landing, "ssd_legal_status").lega_legal_status)
    assert {"C1", "C2", "V2"} <= legal and legal & {"V3", "V4"} and legal & {"L1", "L2"}
    pl = read(landing, "ssd_cla_placement")
    assert pl.clap_cla_placement_type.str.startswith("U").mean() > 0.5
    assert set(pl.clap_cla_placement_provider) <= {f"PR{i}" for i in range(6)}
    miles = pd.to_numeric(pl.clap_cla_placement_distance.replace("", None))
    assert 0.03 <= (miles > 20).sum() / miles.notna().sum() <= 0.25 and miles.isna().any()
    perm = read(landing, "ssd_permanence")
    assert {"ADOPTION", "SGO"} <= set(perm.perm_permanence_order_type)
    assert "UASC" in set(read(landing, "ssd_immigration_status").immi_immigration_status)
    leavers = read(landing, "ssd_care_leavers")
    activity = leavers.clea_care_leaver_activity
    assert ((activity == "") | activity.str[0].isin(["F", "P", "G"])).all()
    assert activity.str[0].isin(["F", "P"]).any() and activity.str.startswith("G").any()
    eh_end = set(read(landing, "ssd_early_help_episodes").earl_episode_end_reason) - {""}
    assert eh_end == {"NEEDS_MET", "STEP_DOWN", "STEP_UP", "DISENGAGED", "MOVED"}


# The other feeds (docs/specs/FEEDS.md): health, virtual school, partners, workforce


def feed_files(landing: Path, feed: str, stem: str) -> list[Path]:
    return sorted((landing / feed).glob(f"{stem}_*.csv"))


def read_feed(landing: Path, feed: str, stem: str) -> pd.DataFrame:
    """Every file of one feed table, in file order, with the file each row came from."""
    frames = [pd.read_csv(p, dtype=str, keep_default_na=False).assign(_file=p.name) for p in feed_files(landing, feed, stem)]
    return pd.concat(frames, ignore_index=True)


def latest(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """What staging keeps: the newest file's row per key."""
    return frame.drop_duplicates(subset=key, keep="last")


def test_every_new_feed_file_matches_its_contract_with_exactly_its_header(landing: Path) -> None:
    for feed in NEW_FEEDS:
        paths = sorted((landing / feed).iterdir())
        assert paths, feed
        for path in paths:
            table = FEEDS[feed].table_for(path.name)
            assert table is not None, path.name
            header = path.read_text(encoding="utf-8").split("\n", 1)[0]
            assert header == ",".join(table.column_names), path.name
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            assert len(frame) > 0, path.name
            assert not frame.duplicated(subset=list(table.key)).any(), path.name
            for column in table.columns:
                if not column.nullable:
                    assert (frame[column.name] != "").all(), f"{path.name}.{column.name} has blanks"
                if column.codes:
                    assert set(frame[column.name]) - {""} <= set(column.codes), f"{path.name}.{column.name}"


def test_new_feed_cadence_is_a_backfill_then_monthly(landing: Path) -> None:
    health = feed_files(landing, "health", "health_assessments")
    assert health[0].name == "health_assessments_20240331.csv" and health[-1].name == "health_assessments_20250331.csv"
    assert len(health) == 13
    assert [p.name for p in feed_files(landing, "education", "vs_attendance")] == [
        f"vs_attendance_{d}.csv" for d in ("20240331", "20240630", "20240930", "20241231", "20250331")]
    assert len(feed_files(landing, "workforce", "workforce")) == 13


def test_new_feeds_name_children_and_teams_of_the_case_system(landing: Path) -> None:
    people = set(read(landing, "ssd_person").pers_person_id)
    for feed, stem in (("health", "health_assessments"), ("education", "vs_attendance"), ("education", "vs_pep"),
                       ("education", "vs_suspensions"), ("partners", "police_missing"), ("partners", "rhi"),
                       ("partners", "fgc")):
        ids = set(read_feed(landing, feed, stem).person_id) - {""}
        assert ids and ids <= people, stem
    teams = read(landing, "ssd_department").set_index("dept_team_id").dept_team_name
    wf = read_feed(landing, "workforce", "workforce")
    assert set(wf.team_id) <= set(teams.index)
    assert (wf.team_name == teams.loc[wf.team_id].to_numpy()).all()
    assert not wf.team_name.str.startswith(("Early Help", "Leaving Care", "Quality", "Independent")).any()
    cla_people = set(read(landing, "ssd_cla_episodes").clae_person_id)
    assert set(read_feed(landing, "health", "health_assessments").person_id) <= cla_people
    assert set(read_feed(landing, "education", "vs_attendance").person_id) <= cla_people


def test_health_assessments_are_timely_and_restated_when_done(landing: Path) -> None:
    rows = read_feed(landing, "health", "health_assessments")
    restated = rows[rows.duplicated("assessment_id", keep=False)]
    assert len(restated) > 0
    first, last = restated.drop_duplicates("assessment_id"), restated.drop_duplicates("assessment_id", keep="last")
    assert (first.outcome == "").all() and (last.outcome != "").all()
    now = latest(rows, ["assessment_id"])
    assert set(now.assessment_type) == {"IHA", "RHA", "DENTAL"}
    done = now[now.outcome == "COMPLETED"]
    assert (done.completed_date != "").all() and (now[now.outcome.isin(["DNA", "DECLINED"])].completed_date == "").all()
    assert 0.85 < len(done) / len(now[now.outcome != ""]) < 0.97
    assert (dates(now.requested_date) <= dates(now.due_date)).mean() > 0.95
    iha = done[done.assessment_type == "IHA"]
    requested, completed = dates(iha.requested_date), dates(iha.completed_date)
    assert (requested <= completed).all()
    assert 0.5 < (working_days(requested, completed) <= 20).mean() < 0.9


def test_attendance_arithmetic_and_rates(landing: Path) -> None:
    att = read_feed(landing, "education", "vs_attendance")
    n = att[["possible_sessions", "attended_sessions", "authorised_absence_sessions",
             "unauthorised_absence_sessions"]].astype(int)
    assert (n.attended_sessions + n.authorised_absence_sessions + n.unauthorised_absence_sessions
            == n.possible_sessions).all()
    assert n.possible_sessions.between(0, 10).all() and (n >= 0).all().all()
    assert (dates(att.week_start).dt.dayofweek == 0).all()
    assert not att.duplicated(["person_id", "week_start"]).any()
    rate = n.attended_sessions.groupby(att.school_phase).sum() / n.possible_sessions.groupby(att.school_phase).sum()
    assert rate[["PRIMARY", "SECONDARY", "SPECIAL", "POST16"]].between(0.86, 0.97).all()
    assert rate.PRIMARY > rate.SECONDARY
    assert (att.school_urn.str.fullmatch(r"\d{6}")).all()


def test_peps_suspensions_and_partner_feeds_are_coherent(landing: Path) -> None:
    peps = read_feed(landing, "education", "vs_pep")
    assert peps.duplicated("pep_id").any()  # ratings arrive in a later file
    assert (dates(peps.pep_review_date) > dates(peps.pep_date)).all()
    sus = read_feed(landing, "education", "vs_suspensions")
    assert 0 < len(sus) and (sus.category == "SUSPENSION").mean() > 0.9
    missing = read(landing, "ssd_missing")
    police = latest(read_feed(landing, "partners", "police_missing"), ["incident_ref"])
    assert 0.02 < (police.person_id == "").mean() < 0.15
    matched = police[police.person_id != ""].merge(
        missing, left_on="person_id", right_on="miss_person_id")
    on_episode = (dates(matched.reported_date) - dates(matched.miss_missing_episode_start_date)).dt.days.between(0, 1)
    assert on_episode.groupby(matched.incident_ref).any().mean() > 0.95
    assert (dates(police.found_date) >= dates(police.reported_date)).all()
    rhi = latest(read_feed(landing, "partners", "rhi"), ["rhi_id"])
    assert set(rhi.declined) <= {"Y", "N"}
    assert ((rhi.declined == "Y") <= (rhi.completed_date == "")).all()
    assert (dates(rhi.offered_date) >= dates(rhi.missing_start_date)).all()
    fgc = latest(read_feed(landing, "partners", "fgc"), ["fgc_id"])
    assert ((fgc.outcome == "WITHDRAWN") <= (fgc.conference_date == "")).all()


def test_workforce_snapshots_add_up(landing: Path) -> None:
    wf = read_feed(landing, "workforce", "workforce")
    assert not wf.duplicated(["snapshot_date", "team_id"]).any()
    assert wf.snapshot_date.nunique() == 72
    assert (dates(wf.snapshot_date) + pd.Timedelta(days=1)).dt.day.eq(1).all()  # month ends
    f = wf[["establishment_fte", "filled_fte", "agency_fte", "vacancy_fte"]].astype(float)
    assert (f.filled_fte + f.vacancy_fte - f.establishment_fte).abs().max() < 1e-9
    assert (f.agency_fte <= f.filled_fte).all()
    assert 0.10 <= f.vacancy_fte.sum() / f.establishment_fte.sum() <= 0.20


# The SSD objects no indicator reads yet


def test_other_ssd_objects_name_children_and_records_of_the_extract(landing: Path) -> None:
    people = set(read(landing, "ssd_person").pers_person_id)
    for obj, column in [("ssd_address", "addr_person_id"), ("ssd_family", "fami_person_id"),
                        ("ssd_mother", "moth_person_id"), ("ssd_mother", "moth_childs_person_id"),
                        ("ssd_linked_identifiers", "link_person_id"), ("ssd_cla_care_plan", "lacp_person_id"),
                        ("ssd_cla_convictions", "clac_person_id"), ("ssd_cla_substance_misuse", "clas_person_id"),
                        ("ssd_cla_previous_permanence", "lapp_person_id"), ("ssd_pre_proceedings", "prep_person_id"),
                        ("ssd_voice_of_child", "voch_person_id"), ("ssd_send", "send_person_id")]:
        assert set(read(landing, obj)[column]) <= people, f"{obj}.{column}"
    looked_after = set(read(landing, "ssd_cla_episodes").clae_person_id)
    for obj, column in [("ssd_cla_care_plan", "lacp_person_id"), ("ssd_cla_convictions", "clac_person_id"),
                        ("ssd_cla_substance_misuse", "clas_person_id")]:
        assert set(read(landing, obj)[column]) <= looked_after, obj
    chain = [("ssd_ehcp_requests", "ehcr_send_table_id", "ssd_send", "send_table_id"),
             ("ssd_ehcp_assessment", "ehca_ehcp_request_id", "ssd_ehcp_requests", "ehcr_ehcp_request_id"),
             ("ssd_ehcp_named_plan", "ehcn_ehcp_asmt_id", "ssd_ehcp_assessment", "ehca_ehcp_assessment_id"),
             ("ssd_ehcp_active_plans", "ehcp_ehcp_request_id", "ssd_ehcp_requests", "ehcr_ehcp_request_id"),
             ("ssd_sen_need", "senn_active_ehcp_id", "ssd_ehcp_active_plans", "ehcp_active_ehcp_id"),
             ("ssd_s251_finance", "s251_cla_placement_id", "ssd_cla_placement", "clap_cla_placement_id")]
    for child, column, parent, key in chain:
        assert set(read(landing, child)[column]) <= set(read(landing, parent)[key]), f"{child}.{column}"


def test_other_ssd_objects_follow_their_stories(landing: Path) -> None:
    persons = read(landing, "ssd_person").set_index("pers_person_id")
    family = read(landing, "ssd_family")
    assert not family.fami_person_id.duplicated().any() and family.groupby("fami_family_id").size().max() <= 5
    address = read(landing, "ssd_address")
    current = address[address.addr_address_end_date == ""].merge(family, left_on="addr_person_id",
                                                                  right_on="fami_person_id")
    assert (current.groupby("fami_family_id").addr_address_postcode.nunique() == 1).all()  # siblings live together
    mothers = read(landing, "ssd_mother")
    age = (dates(mothers.moth_childs_dob) - dates(persons.loc[mothers.moth_person_id, "pers_dob"]).to_numpy()).dt.days
    assert len(mothers) > 0 and (age / 365.25).between(15, 21).all()
    assert (persons.loc[mothers.moth_person_id, "pers_sex"] == "F").all()
    upns = read(landing, "ssd_linked_identifiers").query("link_identifier_type == 'UPN'").link_identifier_value
    letters = "ABCDEFGHJKLMNPQRTUVWXYZ"
    assert all(letters[sum(int(d) * w for d, w in zip(u[1:], range(2, 14))) % 23] == u[0] for u in upns)
    send = read(landing, "ssd_send")
    known = send[send.send_upn != ""].merge(read(landing, "ssd_linked_identifiers"), left_on="send_person_id",
                                            right_on="link_person_id").query("link_identifier_type == 'UPN'")
    assert (known.send_upn == known.link_identifier_value).all()  # one UPN per child across objects
    pre = read(landing, "ssd_pre_proceedings")
    assert set(pre.prep_pre_pro_outcome) <= {"ISSUE_PROCEEDINGS", "STEP_DOWN", "CONTINUE"}
    issued = pre[pre.prep_pre_pro_outcome == "ISSUE_PROCEEDINGS"]
    legal = read(landing, "ssd_legal_status").query("lega_legal_status == 'C1'")
    first_c1 = dates(legal.groupby("lega_person_id").lega_legal_status_start_date.min())
    assert (dates(issued.prep_pre_pro_decision_date).to_numpy() < first_c1.loc[issued.prep_person_id].to_numpy()).all()
    requests = read(landing, "ssd_ehcp_requests").set_index("ehcr_ehcp_request_id")
    assessments = read(landing, "ssd_ehcp_assessment")
    done = assessments[assessments.ehca_ehcp_assessment_outcome_date != ""]
    weeks = (dates(done.ehca_ehcp_assessment_outcome_date).to_numpy()
             - dates(requests.loc[done.ehca_ehcp_request_id, "ehcr_ehcp_req_date"]).to_numpy()) / np.timedelta64(7, "D")
    assert ((weeks >= 14) & (weeks < 24)).all()
    for obj in ("ssd_address", "ssd_cla_care_plan", "ssd_pre_proceedings", "ssd_ehcp_requests",
                "ssd_ehcp_assessment", "ssd_ehcp_named_plan", "ssd_ehcp_active_plans", "ssd_cla_convictions"):
        frame = read(landing, obj)
        for column in (c for c in frame.columns if c.endswith("_date")):
            assert (dates(frame[column]).dropna() <= pd.Timestamp(END)).all(), f"{obj}.{column} after the extract"
