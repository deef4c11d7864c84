"""The SSD objects no indicator reads yet (docs/specs/FEEDS.md: "accepted and staged when present"): addresses, families,
young mothers, linked identifiers, care plans, convictions, substance misuse, previous permanence,
pre-proceedings, voice of the child, SEND and the EHCP chain, s251 finance.

Built from the rendered extract (`extract.render`), so every row names a child, period of care, placement,
CP plan or legal status that the extract already holds: siblings share a family and an address, young
mothers are older girls in the extract whose babies are in it too, pre-proceedings precede the interim
care orders (C1) they led to, and EHC plans follow their requests and assessments in statutory order.
Volumes are small, as in a real extract; no date lies after the extract date.
"""

from __future__ import annotations

import json
import numpy as np
import pandas as pd

from synthetic.context import Context
from synthetic.draw import choice, flag
from synthetic.reference import home_districts
from ingest.case_system.schema import CONTRACT, OTHER_OBJECTS

_STREETS = ("Victoria Road", "Station Road", "Park Lane", "Church Street", "North Road", "Mill Lane",
            "Grange Road", "West Street", "Elm Grove", "High Row", "Coniscliffe Road", "Yarm Road")
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # DfE UPN check letters (no I, O, S)
_FAMILY_SIZE = {1: 45, 2: 30, 3: 15, 4: 7, 5: 3}
_CARE_PLAN_BY_EXIT = {"E11": "ADOPTION", "E12": "ADOPTION", "E13": "RETURNEV", "E4A": "RETURNEV", "E4B": "RETURNEV",
                      "E41": "LTRELFR", "E43": "LTRELFR", "E44": "LTRELFR", "E5": "SUPPORTIND", "E6": "SUPPORTIND",
                      "E7": "SUPPORTIND", "E8": "SUPPORTIND"}
_OPEN_CARE_PLAN = {"LTFOST18": 55, "RESTTO18": 15, "RETURN6M": 10, "ADOPTION": 8, "LTRELFR": 7, "SUPPORTIND": 5}
_OFFENCES = {"Theft": 25, "Criminal damage": 20, "Common assault": 20, "Possession of cannabis": 12,
             "Public order offence": 12, "Burglary": 6, "Robbery": 5}
_SUBSTANCES = {"CANNABIS": 55, "ALCOHOL": 25, "NPS": 8, "COCAINE": 6, "SOLVENTS": 3, "OTHER": 3}
_PREVIOUS_PERMANENCE = {"P1": 20, "P2": 50, "P3": 25, "Z1": 5}
_SEN_NEED = {"ASD": 30, "SEMH": 22, "SLCN": 16, "MLD": 10, "SLD": 6, "SPLD": 4, "PD": 4, "PMLD": 2, "HI": 2,
             "VI": 1, "MSI": 1, "OTH": 2}
_PLAN_CEASED = {"MOVED_LA": 40, "NEEDS_MET": 35, "EDUCATION_ENDED": 25}


def build(ctx: Context, ssd: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """A frame per other SSD object, with exactly its contract's columns, in contract order."""
    x = _Extract(ctx, ssd)
    families = _families(x)
    upns = _upns(x)
    send = _send(x, upns)
    requests, assessments, named, active, needs = _ehcp(x, send)
    frames = {
        "ssd_address": _addresses(x, families),
        "ssd_family": families,
        "ssd_mother": _mothers(x),
        "ssd_linked_identifiers": _linked_identifiers(x, upns),
        "ssd_cla_care_plan": _care_plans(x),
        "ssd_cla_convictions": _convictions(x),
        "ssd_cla_substance_misuse": _substance_misuse(x),
        "ssd_cla_previous_permanence": _previous_permanence(x),
        "ssd_pre_proceedings": _pre_proceedings(x, families),
        "ssd_voice_of_child": _voice_of_child(x),
        "ssd_send": send,
        "ssd_sen_need": needs,
        "ssd_ehcp_requests": requests,
        "ssd_ehcp_assessment": assessments,
        "ssd_ehcp_named_plan": named,
        "ssd_ehcp_active_plans": active,
        "ssd_s251_finance": _s251(x),
    }
    assert set(frames) == set(OTHER_OBJECTS), "every other SSD object is generated"
    columns = {t.table: list(t.column_names) for t in CONTRACT.tables}
    return {name: frame[columns[name]].reset_index(drop=True) for name, frame in frames.items()}


class _Extract:
    """The rendered extract with dates parsed, and the shared pieces every object draws on."""

    def __init__(self, ctx: Context, ssd: dict[str, pd.DataFrame]) -> None:
        self.ctx = ctx
        self.ssd = ssd
        self.end = pd.Timestamp(ctx.request.end)
        self.window_start = pd.Timestamp(ctx.request.start)
        persons = ssd["ssd_person"]
        self.person = persons["pers_person_id"].to_numpy(dtype=object)
        self.dob = _dates(persons["pers_dob"])
        self.sex = persons["pers_sex"].to_numpy(dtype=object)
        self.upn_unknown = persons["pers_upn_unknown"].to_numpy(dtype=object)
        self.la_code = ctx.request.la_code

    def rng(self, what: str) -> np.random.Generator:
        return self.ctx.rng(f"other-objects-{what}")

    def age_at(self, person_ids: np.ndarray, when: pd.Series) -> np.ndarray:
        dob = pd.Series(self.dob.to_numpy(), index=self.person).reindex(person_ids).to_numpy()
        return ((pd.Series(when).to_numpy() - dob) / np.timedelta64(1, "D") / 365.25)

    def periods(self) -> pd.DataFrame:
        """Periods of care: child, first entry, last episode's end (NaT while open) and its reason."""
        ep = self.ssd["ssd_cla_episodes"].copy()
        ep["start"] = _dates(ep["clae_cla_episode_start_date"])
        ep["ceased"] = _dates(ep["clae_cla_episode_ceased_date"])
        ep["entered"] = _dates(ep["clae_entered_care_date"])
        ep = ep.sort_values(["clae_cla_id", "start"], kind="stable")
        last = ep.groupby("clae_cla_id", sort=False).tail(1).set_index("clae_cla_id")
        first = ep.groupby("clae_cla_id", sort=False).head(1).set_index("clae_cla_id")
        out = pd.DataFrame({
            "person": first["clae_person_id"],
            "entered": first["entered"].fillna(first["start"]),
            "ended": last["ceased"],
            "reason": last["clae_cla_episode_ceased_reason"],
        })
        return out.reset_index().rename(columns={"clae_cla_id": "cla_id"})


def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values.replace("", None), format="%Y-%m-%d")


def _text(values: pd.Series | np.ndarray) -> np.ndarray:
    """`YYYY-MM-DD`, blank for NaT."""
    series = pd.to_datetime(pd.Series(values))  # an empty frame's column has no dtype yet
    return series.dt.strftime("%Y-%m-%d").fillna("").to_numpy(dtype=object)


def _ids(prefix: str, n: int) -> np.ndarray:
    width = max(6, len(str(n)))
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def _between(rng: np.random.Generator, low: pd.Series, high: pd.Series) -> pd.Series:
    """A day drawn uniformly from [low, high] (high before low gives low)."""
    low = pd.Series(low).reset_index(drop=True)
    span = (pd.Series(high).reset_index(drop=True) - low).dt.days.clip(lower=0).fillna(0).to_numpy()
    return low + pd.to_timedelta(np.floor(rng.random(len(low)) * (span + 1)), unit="D")


def _families(x: _Extract) -> pd.DataFrame:
    """Siblings: the children of the extract in households of one to five."""
    rng = x.rng("family")
    order = rng.permutation(len(x.person))
    sizes = choice(rng, _FAMILY_SIZE, len(order)).astype(int)
    family_of = np.repeat(np.arange(len(sizes)), sizes)[: len(order)]
    n_families = int(family_of.max()) + 1 if len(family_of) else 0
    family_ids = _ids("FAM", n_families)
    frame = pd.DataFrame({"fami_person_id": x.person[order], "fami_family_id": family_ids[family_of]})
    frame = frame.sort_values(["fami_family_id", "fami_person_id"], kind="stable")
    frame["fami_table_id"] = _ids("FM", len(frame))
    return frame


def _addresses(x: _Extract, families: pd.DataFrame) -> pd.DataFrame:
    """One home per family (shared by siblings); a third of families moved once in the last few years."""
    rng = x.rng("address")
    fam = families.drop_duplicates("fami_family_id")["fami_family_id"].to_numpy()
    n = len(fam)
    districts = np.array(home_districts(x.la_code), dtype=object)
    letters = np.array(list("ABDEFGHJLNPQRSTUWXYZ"), dtype=object)

    def homes(k: int) -> tuple[np.ndarray, np.ndarray]:
        postcode = (districts[rng.integers(0, len(districts), k)] + " " + rng.integers(1, 10, k).astype(str)
                    + letters[rng.integers(0, len(letters), k)] + letters[rng.integers(0, len(letters), k)])
        house = rng.integers(1, 120, k)
        street = np.array(_STREETS, dtype=object)[rng.integers(0, len(_STREETS), k)]
        address = [json.dumps({"HOUSE": str(h), "STREET": s, "POSTCODE": p}) for h, s, p in zip(house, street, postcode)]
        return postcode.astype(object), np.array(address, dtype=object)

    post_now, addr_now = homes(n)
    moved = rng.random(n) < 0.33
    moved_on = x.end - pd.to_timedelta(rng.integers(30, 5 * 365, n), unit="D")
    post_before, addr_before = homes(n)
    per_family = pd.DataFrame({"family": fam, "post_now": post_now, "addr_now": addr_now, "moved": moved,
                               "moved_on": moved_on, "post_before": post_before, "addr_before": addr_before})
    rows = families.merge(per_family, left_on="fami_family_id", right_on="family")
    dob = pd.Series(x.dob.to_numpy(), index=x.person).reindex(rows["fami_person_id"]).reset_index(drop=True)
    born = dob.notna().to_numpy()  # an unborn child has no address of its own yet
    rows = rows[born].reset_index(drop=True)
    dob = dob[born].reset_index(drop=True)
    first_home = dob.clip(lower=pd.Timestamp(1990, 1, 1))
    current_from = pd.Series(np.where(rows["moved"], rows["moved_on"], first_home)).astype("datetime64[ns]")
    current_from = pd.concat([current_from, first_home], axis=1).max(axis=1)
    current = pd.DataFrame({"addr_person_id": rows["fami_person_id"], "start": current_from, "end": pd.NaT,
                            "addr_address_postcode": rows["post_now"], "addr_address_json": rows["addr_now"]})
    had_before = rows["moved"].to_numpy() & (current_from > first_home).to_numpy()
    before = pd.DataFrame({"addr_person_id": rows["fami_person_id"], "start": first_home,
                           "end": current_from - pd.Timedelta(days=1), "addr_address_postcode": rows["post_before"],
                           "addr_address_json": rows["addr_before"]})[had_before]
    frame = pd.concat([before, current]).sort_values(["addr_person_id", "start"], kind="stable")
    frame["addr_table_id"] = _ids("AD", len(frame))
    frame["addr_address_type"] = "HOME"
    frame["addr_address_start_date"] = _text(frame["start"])
    frame["addr_address_end_date"] = _text(frame["end"])
    return frame


def _mothers(x: _Extract) -> pd.DataFrame:
    """Young mothers: a few babies in the extract whose mother, aged 15-21 at the birth, is in it too."""
    rng = x.rng("mother")
    dob = x.dob.to_numpy()
    babies = np.flatnonzero(pd.notna(dob) & (dob >= np.datetime64(x.window_start - pd.DateOffset(years=3))))
    babies = babies[rng.random(len(babies)) < 0.015]
    girls = np.flatnonzero((x.sex == "F") & pd.notna(dob))
    rows = []
    for baby in babies:
        age = (dob[baby] - dob[girls]) / np.timedelta64(1, "D") / 365.25
        candidates = girls[(age >= 15) & (age < 21)]
        if len(candidates):
            rows.append((x.person[candidates[rng.integers(0, len(candidates))]], x.person[baby], dob[baby]))
    frame = pd.DataFrame(rows, columns=["moth_person_id", "moth_childs_person_id", "dob"])
    frame = frame.drop_duplicates("moth_childs_person_id").sort_values(["moth_person_id", "dob"], kind="stable")
    frame["moth_table_id"] = _ids("MO", len(frame))
    frame["moth_childs_dob"] = _text(frame["dob"])
    return frame


def _upn(rng: np.random.Generator, la_code: str, n: int) -> np.ndarray:
    """Synthetic UPNs: check letter + LA code + school (4) + year (2) + serial (3), DfE check-letter rule."""
    body = np.column_stack([
        np.tile(np.array([int(c) for c in la_code.zfill(3)[:3]]), (n, 1)),
        rng.integers(0, 10, (n, 9)),
    ])
    check = (body * np.arange(2, 14)).sum(axis=1) % 23
    digits = ["".join(map(str, row)) for row in body]
    return np.array([_UPN_LETTERS[c] + d for c, d in zip(check, digits)], dtype=object)


def _upns(x: _Extract) -> pd.Series:
    """A UPN for every child of school age at the extract date without a 'UPN unknown' reason."""
    rng = x.rng("upn")
    age = ((x.end - x.dob) / pd.Timedelta(days=365.25)).to_numpy()
    school_age = pd.notna(age) & (age >= 4) & (age < 19) & (pd.Series(x.upn_unknown).fillna("") == "").to_numpy()
    people = x.person[school_age]
    return pd.Series(_upn(rng, x.la_code, len(people)), index=people)


def _linked_identifiers(x: _Extract, upns: pd.Series) -> pd.DataFrame:
    """The UPN of each pupil, and the legacy case number a quarter of children carry from a former system."""
    rng = x.rng("linked")
    upn = pd.DataFrame({"link_person_id": upns.index, "link_identifier_type": "UPN",
                        "link_identifier_value": upns.to_numpy(), "from": pd.NaT})
    legacy = x.person[rng.random(len(x.person)) < 0.25]
    migrated = x.end - pd.DateOffset(years=4)
    case = pd.DataFrame({"link_person_id": legacy, "link_identifier_type": "CASE_NUMBER",
                         "link_identifier_value": [f"LEG{rng.integers(100000, 999999)}" for _ in legacy],
                         "from": pd.Timestamp(2005, 4, 1)})
    case["to"] = migrated
    frame = pd.concat([upn, case]).sort_values(["link_person_id", "link_identifier_type"], kind="stable")
    frame["link_table_id"] = _ids("LI", len(frame))
    frame["link_valid_from_date"] = _text(frame["from"])
    frame["link_valid_to_date"] = _text(frame["to"])
    return frame


def _care_plans(x: _Extract) -> pd.DataFrame:
    """One care plan per period of care: agreed within days of entry, its plan for permanence following
    how the period ended (adoption, return home, SGO/relatives, independence) or, while open, the usual mix."""
    rng = x.rng("care-plan")
    periods = x.periods()
    start = (periods["entered"] + pd.to_timedelta(rng.integers(0, 8, len(periods)), unit="D"))
    start = pd.concat([start, periods["ended"].fillna(x.end), pd.Series(x.end, index=periods.index)], axis=1).min(axis=1)
    code = periods["reason"].map(_CARE_PLAN_BY_EXIT)
    open_codes = pd.Series(choice(rng, _OPEN_CARE_PLAN, len(periods)), index=periods.index)
    code = code.fillna(open_codes)
    frame = pd.DataFrame({"lacp_person_id": periods["person"], "start": start, "end": periods["ended"],
                          "lacp_cla_care_plan_json": [json.dumps([c]) for c in code]})
    frame = frame.sort_values(["start", "lacp_person_id"], kind="stable")
    frame["lacp_table_id"] = _ids("CPL", len(frame))
    frame["lacp_cla_care_plan_start_date"] = _text(frame["start"])
    frame["lacp_cla_care_plan_end_date"] = _text(frame["end"])
    return frame


def _in_care_events(x: _Extract, what: str, min_age: float, rate: float,
                    columns: tuple[str, str, str], prefix: str) -> pd.DataFrame:
    """Events of some periods of care of older children, on a day in care at or after `min_age` in the
    window: a frame of (id, person id, date) under the object's `columns` names, in date order."""
    rng = x.rng(what)
    periods = x.periods()
    dob = pd.Series(x.dob.to_numpy(), index=x.person).reindex(periods["person"]).reset_index(drop=True)
    periods = periods.reset_index(drop=True)
    low = pd.concat([periods["entered"], dob + pd.DateOffset(years=int(min_age)),
                     pd.Series(x.window_start, index=periods.index)], axis=1).max(axis=1)
    high = periods["ended"].fillna(x.end).clip(upper=x.end)
    eligible = (low <= high).to_numpy() & (rng.random(len(periods)) < rate)
    when = _between(rng, low[eligible], high[eligible])
    events = pd.DataFrame({"person": periods["person"][eligible].to_numpy(), "day": when.to_numpy()})
    events = events.sort_values(["day", "person"], kind="stable")
    key, person, day = columns
    return pd.DataFrame({key: _ids(prefix, len(events)), person: events["person"].to_numpy(),
                         day: _text(events["day"])})


def _convictions(x: _Extract) -> pd.DataFrame:
    rng = x.rng("conviction-offence")
    frame = _in_care_events(x, "conviction", 10, 0.05,
                            ("clac_cla_conviction_id", "clac_person_id", "clac_cla_conviction_date"), "CV")
    return frame.assign(clac_cla_conviction_offence=choice(rng, _OFFENCES, len(frame)))


def _substance_misuse(x: _Extract) -> pd.DataFrame:
    rng = x.rng("substance-kind")
    frame = _in_care_events(x, "substance", 11, 0.06,
                            ("clas_substance_misuse_id", "clas_person_id", "clas_substance_misuse_date"), "SM")
    return frame.assign(clas_substance_misused=choice(rng, _SUBSTANCES, len(frame)),
                        clas_intervention_received=flag(rng.random(len(frame)) < 0.7))


def _previous_permanence(x: _Extract) -> pd.DataFrame:
    """A few children come (back) into care after an adoption, SGO or residence order ended; the 903 date
    may be partly unknown (`zz/zz/YYYY`)."""
    rng = x.rng("previous-permanence")
    periods = x.periods().drop_duplicates("person").reset_index(drop=True)
    dob = pd.Series(x.dob.to_numpy(), index=x.person).reindex(periods["person"]).reset_index(drop=True)
    low = (dob + pd.DateOffset(years=1)).clip(lower=pd.Timestamp(1990, 1, 1))
    high = periods["entered"] - pd.DateOffset(years=1)
    keep = (low <= high).to_numpy() & (rng.random(len(periods)) < 0.04)
    order_day = _between(rng, low[keep], high[keep])
    text = order_day.dt.strftime("%d/%m/%Y").to_numpy(dtype=object)
    unknown_day = rng.random(len(text)) < 0.2
    text[unknown_day] = ["zz/zz/" + t[-4:] for t in text[unknown_day]]
    other_la = np.array(["840", "808", "805", "390", "394"], dtype=object)
    la = np.where(rng.random(len(text)) < 0.6, x.la_code, other_la[rng.integers(0, len(other_la), len(text))])
    return pd.DataFrame({
        "lapp_table_id": _ids("PP", len(text)),
        "lapp_person_id": periods["person"][keep].to_numpy(),
        "lapp_previous_permanence_option": choice(rng, _PREVIOUS_PERMANENCE, len(text)),
        "lapp_previous_permanence_la": la.astype(object),
        "lapp_previous_permanence_order_date": text,
    })


def _pre_proceedings(x: _Extract, families: pd.DataFrame) -> pd.DataFrame:
    """Public Law Outline: most interim care orders (C1) follow pre-proceedings; some CP plans step down."""
    rng = x.rng("pre-proceedings")
    legal = x.ssd["ssd_legal_status"]
    c1 = legal[legal["lega_legal_status"] == "C1"].copy()
    c1["start"] = _dates(c1["lega_legal_status_start_date"])
    c1 = c1.sort_values("start", kind="stable").drop_duplicates("lega_person_id")
    c1 = c1[(rng.random(len(c1)) < 0.7) & (c1["start"] >= x.window_start)].reset_index(drop=True)
    decided = c1["start"] - pd.to_timedelta(rng.integers(40, 150, len(c1)), unit="D")
    issued = pd.DataFrame({
        "prep_person_id": c1["lega_person_id"], "decided": decided,
        "meeting": decided + pd.to_timedelta(rng.integers(10, 25, len(c1)), unit="D"),
        "outcome": "ISSUE_PROCEEDINGS",
        "stepdown_or_issue": c1["start"] - pd.to_timedelta(rng.integers(1, 7, len(c1)), unit="D"),
        "care_letter": c1["start"] - pd.to_timedelta(rng.integers(7, 14, len(c1)), unit="D"),
    })
    plans = x.ssd["ssd_cp_plans"].copy()
    plans["start"] = _dates(plans["cppl_cp_plan_start_date"])
    plans = plans[(plans["start"] >= x.window_start) & ~plans["cppl_person_id"].isin(c1["lega_person_id"])]
    plans = plans[rng.random(len(plans)) < 0.05].drop_duplicates("cppl_person_id").reset_index(drop=True)
    decided = plans["start"] + pd.to_timedelta(rng.integers(60, 300, len(plans)), unit="D")
    stepped = pd.DataFrame({
        "prep_person_id": plans["cppl_person_id"], "decided": decided,
        "meeting": decided + pd.to_timedelta(rng.integers(10, 25, len(plans)), unit="D"),
        "outcome": "STEP_DOWN",
        "stepdown_or_issue": decided + pd.to_timedelta(rng.integers(90, 150, len(plans)), unit="D"),
        "care_letter": pd.NaT,
    })
    frame = pd.concat([issued, stepped]).sort_values(["decided", "prep_person_id"], kind="stable")
    frame = frame[frame["decided"] <= x.end].reset_index(drop=True)
    for later in ("meeting", "stepdown_or_issue", "care_letter"):
        frame[later] = frame[later].where(frame[later] <= x.end)
    still_open = frame["stepdown_or_issue"].isna()
    frame.loc[still_open & (frame["outcome"] == "STEP_DOWN"), "outcome"] = "CONTINUE"
    family = families.set_index("fami_person_id")["fami_family_id"]
    n = len(frame)
    letter = frame["decided"] + pd.to_timedelta(rng.integers(2, 8, n), unit="D")
    year = frame["stepdown_or_issue"].dt.strftime("%y").fillna("")
    court = [f"{x.la_code}C{y}{i:05d}" if o == "ISSUE_PROCEEDINGS" and y else ""
             for i, (o, y) in enumerate(zip(frame["outcome"], year), start=1)]
    return pd.DataFrame({
        "prep_table_id": _ids("PRE", n),
        "prep_person_id": frame["prep_person_id"].to_numpy(),
        "prep_plo_family_id": family.reindex(frame["prep_person_id"]).fillna("").to_numpy(dtype=object),
        "prep_pre_pro_decision_date": _text(frame["decided"]),
        "prep_initial_pre_pro_meeting_date": _text(frame["meeting"]),
        "prep_pre_pro_outcome": frame["outcome"].to_numpy(dtype=object),
        "prep_agree_stepdown_issue_date": _text(frame["stepdown_or_issue"]),
        "prep_pre_pro_letter_date": _text(letter.where(letter <= x.end)),
        "prep_care_pro_letter_date": _text(frame["care_letter"]),
        "prep_pre_pro_meetings_num": (1 + rng.poisson(1.2, n)).astype(str).astype(object),
        "prep_pre_pro_parents_legal_rep": flag(rng.random(n) < 0.9),
        "prep_court_reference": np.array(court, dtype=object),
    })


def _voice_of_child(x: _Extract) -> pd.DataFrame:
    """Feedback from children aged 5+ on a CP plan in the window (a third of them answer)."""
    rng = x.rng("voice")
    plans = x.ssd["ssd_cp_plans"].copy()
    plans["start"] = _dates(plans["cppl_cp_plan_start_date"])
    plans = plans[plans["start"] >= x.window_start]
    age = x.age_at(plans["cppl_person_id"].to_numpy(), plans["start"])
    people = pd.unique(plans["cppl_person_id"][(age >= 5) & (rng.random(len(plans)) < 0.33)])
    n = len(people)
    answers = {c: flag(rng.random(n) < p) for c, p in (
        ("voch_explained_worries", 0.85), ("voch_story_help_understand", 0.75), ("voch_agree_worker", 0.7),
        ("voch_plan_safe", 0.8), ("voch_tablet_help_explain", 0.5))}
    return pd.DataFrame({"voch_table_id": _ids("VC", n), "voch_person_id": people, **answers})


def _send(x: _Extract, upns: pd.Series) -> pd.DataFrame:
    """Children with SEND: every disabled child, a third of children looked after, a few children in need."""
    rng = x.rng("send")
    disabled = x.ssd["ssd_disability"]["disa_person_id"]
    looked_after = pd.unique(x.ssd["ssd_cla_episodes"]["clae_person_id"])
    in_need = pd.unique(x.ssd["ssd_cin_episodes"]["cine_person_id"])
    chosen = set(disabled) | set(looked_after[rng.random(len(looked_after)) < 0.33]) | set(
        in_need[rng.random(len(in_need)) < 0.05])
    people = np.array([p for p in x.person if p in chosen], dtype=object)
    dob = pd.Series(x.dob.to_numpy(), index=x.person).reindex(people)
    age = ((x.end - dob) / pd.Timedelta(days=365.25)).to_numpy()
    people = people[pd.notna(age) & (age >= 2)]
    age = age[pd.notna(age) & (age >= 2)]
    upn = upns.reindex(people).fillna("").to_numpy(dtype=object)
    uln = np.where(age >= 14, (4_000_000_000 + rng.integers(0, 999_999_999, len(people))).astype(str), "")
    unknown = pd.Series(x.upn_unknown, index=x.person).reindex(people).fillna("").to_numpy(dtype=object)
    return pd.DataFrame({"send_table_id": _ids("SEN", len(people)), "send_person_id": people,
                         "send_upn": upn, "send_uln": uln.astype(object),
                         "send_upn_unknown": np.where(upn == "", unknown, "").astype(object)})


def _ehcp(x: _Extract, send: pd.DataFrame) -> tuple[pd.DataFrame, ...]:
    """Requests (decided in 6 weeks) → needs assessments → EHC plans (within 20 weeks) → active plans
    with annual reviews and their SEN2 needs. Nothing dated after the extract."""
    rng = x.rng("ehcp")
    req = send[rng.random(len(send)) < 0.45].reset_index(drop=True)
    dob = pd.Series(x.dob.to_numpy(), index=x.person).reindex(req["send_person_id"]).reset_index(drop=True)
    low = pd.concat([dob + pd.DateOffset(years=2), pd.Series(x.window_start - pd.DateOffset(years=3),
                                                               index=req.index)], axis=1).max(axis=1)
    requested = _between(rng, low, pd.Series(x.end - pd.Timedelta(days=30), index=req.index))
    decided = requested + pd.to_timedelta(rng.integers(28, 60, len(req)), unit="D")
    agreed = rng.random(len(req)) < 0.8
    order = np.lexsort((req["send_table_id"].to_numpy(), requested.to_numpy()))
    req, requested, decided, agreed = req.iloc[order].reset_index(drop=True), requested.iloc[order].reset_index(
        drop=True), decided.iloc[order].reset_index(drop=True), agreed[order]
    decided_known = decided <= x.end
    requests = pd.DataFrame({
        "ehcr_ehcp_request_id": _ids("EHR", len(req)), "ehcr_send_table_id": req["send_table_id"],
        "ehcr_ehcp_req_date": _text(requested), "ehcr_ehcp_req_outcome_date": _text(decided.where(decided_known)),
        "ehcr_ehcp_req_outcome": np.where(decided_known, flag(agreed), ""),
    })
    assessed = decided_known.to_numpy() & agreed
    a_req = requests["ehcr_ehcp_request_id"][assessed].reset_index(drop=True)
    outcome_day = (requested[assessed].reset_index(drop=True)
                   + pd.to_timedelta(rng.integers(98, 160, len(a_req)), unit="D"))
    outcome_known = outcome_day <= x.end
    plan_agreed = rng.random(len(a_req)) < 0.9
    assessments = pd.DataFrame({
        "ehca_ehcp_assessment_id": _ids("EHA", len(a_req)), "ehca_ehcp_request_id": a_req,
        "ehca_ehcp_assessment_outcome_date": _text(outcome_day.where(outcome_known)),
        "ehca_ehcp_assessment_outcome": np.where(outcome_known, flag(plan_agreed), ""),
        "ehca_ehcp_assessment_exceptions": np.where(outcome_known, flag(rng.random(len(a_req)) < 0.08), ""),
    })
    planned = outcome_known.to_numpy() & plan_agreed
    p_start = outcome_day[planned].reset_index(drop=True)
    ceased = rng.random(len(p_start)) < 0.12
    cease_day = _between(rng, p_start + pd.Timedelta(days=180), pd.Series(x.end, index=p_start.index))
    ceased &= (cease_day <= x.end).to_numpy() & (p_start + pd.Timedelta(days=180) <= x.end).to_numpy()
    named = pd.DataFrame({
        "ehcn_named_plan_id": _ids("EHN", len(p_start)),
        "ehcn_ehcp_asmt_id": assessments["ehca_ehcp_assessment_id"][planned].reset_index(drop=True),
        "ehcn_named_plan_start_date": _text(p_start),
        "ehcn_named_plan_cease_date": np.where(ceased, _text(cease_day), ""),
        "ehcn_named_plan_cease_reason": np.where(ceased, choice(rng, _PLAN_CEASED, len(p_start)), ""),
    })
    live = ~ceased
    years_held = np.floor((x.end - p_start[live]).dt.days.to_numpy() / 365.25).astype(int)
    reviewed = p_start[live].reset_index(drop=True) + pd.to_timedelta(years_held * 365, unit="D")
    active = pd.DataFrame({
        "ehcp_active_ehcp_id": _ids("EHP", int(live.sum())),
        "ehcp_ehcp_request_id": a_req[planned].reset_index(drop=True)[live].reset_index(drop=True),
        "ehcp_active_ehcp_last_review_date": np.where(years_held >= 1, _text(reviewed), ""),
    })
    second = rng.random(len(active)) < 0.35
    primary = choice(rng, _SEN_NEED, len(active))
    secondary = choice(rng, _SEN_NEED, len(active))
    second &= secondary != primary
    needs = pd.concat([
        pd.DataFrame({"senn_active_ehcp_id": active["ehcp_active_ehcp_id"], "senn_active_ehcp_need_type": primary,
                      "senn_active_ehcp_need_rank": "1"}),
        pd.DataFrame({"senn_active_ehcp_id": active["ehcp_active_ehcp_id"][second],
                      "senn_active_ehcp_need_type": secondary[second], "senn_active_ehcp_need_rank": "2"}),
    ]).sort_values(["senn_active_ehcp_id", "senn_active_ehcp_need_rank"], kind="stable")
    needs["senn_table_id"] = _ids("SN", len(needs))
    return requests, assessments, named, active, needs


def _s251(x: _Extract) -> pd.DataFrame:
    """A finance line for each placement with an external provider (the SSD's s251 link)."""
    placements = x.ssd["ssd_cla_placement"]
    paid = placements[~placements["clap_cla_placement_provider"].isin(["PR1", "PR0"])]
    return pd.DataFrame({"s251_table_id": _ids("F", len(paid)),
                         "s251_cla_placement_id": paid["clap_cla_placement_id"].to_numpy()})
