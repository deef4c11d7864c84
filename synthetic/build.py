"""The whole synthetic extract, in memory: every step in order, each with its own random stream."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from synthetic import episodes, extract, feeds, history, journeys, looked_after, other_objects, reference, workforce
from synthetic.care import kept_periods
from synthetic.context import Context, Request
from synthetic.days import birthday
from synthetic.people import People
from synthetic.records import Records

DISABILITY = {"AUT": 25, "LD": 20, "COMM": 15, "BEH": 12, "MOB": 8, "HAND": 4, "PC": 4, "CON": 5, "HEAR": 3,
              "VIS": 2, "INC": 2}


@dataclass
class Landing:
    """The files of a landing folder as frames, by path relative to the folder (e.g. `case_system/ssd_person.csv`).

    A later step (planting data quality defects, say) can change the frames before they are written.
    """

    frames: dict[str, pd.DataFrame]


def build(request: Request) -> Landing:
    ctx = Context(request)
    people = People()
    rec = Records()
    journeys.run(ctx, people, rec)
    history.historical_periods(ctx, people, rec)
    dob = people.dob()
    kept = _kept_periods(ctx, rec, dob)
    episodes.expand(ctx, rec, kept, dob)
    looked_after.build(ctx, rec, kept, dob)
    _missing_on_plans(ctx, rec, dob)
    _disabilities(ctx, rec)
    masks = extract.keep_masks(ctx, rec, kept)
    workforce.build(ctx, rec, masks, dob)
    persons = extract.persons_table(ctx, people.columns(), rec)
    ssd, ids = extract.render_with_ids(rec, persons, masks)
    ssd |= other_objects.build(ctx, ssd)
    frames = {f"case_system/{name}.csv": frame for name, frame in ssd.items()}
    frames["reference/population.csv"] = pd.DataFrame(reference.population(ctx))
    frames["reference/local_authorities.csv"] = pd.DataFrame(reference.local_authorities(request.la_code))
    frames |= feeds.build(ctx, rec, ids, persons, np.flatnonzero(masks["periods"]), dob)
    return Landing(frames)


def _kept_periods(ctx: Context, rec: Records, dob: np.ndarray) -> np.ndarray:
    periods = rec.get("periods")
    if not periods:
        return np.zeros(0, dtype="int64")
    return kept_periods(ctx, periods, dob[periods["person"]], history.CARE_LEAVER_HISTORY_DAYS)


def _missing_on_plans(ctx: Context, rec: Records, dob: np.ndarray) -> None:
    """Some older children on CP plans go missing from home too."""
    plans = rec.get("cp_plans")
    if not plans:
        return
    rng = ctx.rng("missing-on-plans")
    person_dob = dob[plans["person"]]
    older = (plans["start"] - person_dob) >= 11 * 365.25
    stop = np.minimum(np.minimum(plans["end"], ctx.end + 1), birthday(person_dob, 18))
    looked_after.missing_episodes(ctx, rec, rng, plans["person"], person_dob, plans["start"], stop,
                                  np.where(older, 0.12, 0.0), 2.0)


def _disabilities(ctx: Context, rec: Records) -> None:
    """Disabled children: all on short breaks, those referred for disability, and a few others."""
    rng = ctx.rng("disability")
    periods = rec.get("periods")
    referrals = rec.get("referrals")
    candidates = [referrals["person"][referrals["need"] == "N2"]]
    if periods:
        candidates.append(periods["person"][periods["route"] == "SHORT_BREAK"])
    others = np.unique(referrals["person"])
    candidates.append(others[rng.random(len(others)) < 0.025])
    person = np.unique(np.concatenate(candidates))
    count = 1 + np.minimum(rng.poisson(0.4, len(person)), 2)
    rows = np.repeat(np.arange(len(person)), count)
    codes = np.array(list(DISABILITY), dtype=object)
    weights = np.array(list(DISABILITY.values()), dtype=float)
    code = rng.choice(len(codes), size=len(rows), p=weights / weights.sum())
    pair = np.unique(np.column_stack([rows, code]), axis=0)
    rec.add("disability", person=person[pair[:, 0]], code=codes[pair[:, 1]])
