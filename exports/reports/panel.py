"""The corporate parenting panel report: the sections a panel of elected members receives, each a short
introduction and a sentence per indicator in plain words (what the figure is, how it moved since last year,
how it stands against its rule), with the small-numbers caveat where it applies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from exports.reports.read import Indicator


@dataclass(frozen=True)
class Section:
    title: str
    intro: str
    indicator_ids: tuple[str, ...]


PANEL_SECTIONS = (
    Section("Placement stability",
            "Children do better when they stay in one home. These figures show how many children had several moves "
            "in a year, and how many have lived in the same home for at least two years.",
            ("CLA_3PLUS_PCT", "CLA_LTS_PCT")),
    Section("Health and dental checks",
            "Every child in care should have a health assessment when they come into care and every year after, "
            "a dental check, immunisations and an emotional health questionnaire (SDQ).",
            ("HLTH_IHA_20WD_PCT", "HLTH_RHA_PCT", "HLTH_DENTAL_PCT", "HLTH_IMMS_PCT", "SDQ_COMPLETED_PCT")),
    Section("Education and attendance",
            "The virtual school tracks how often children in care are in school, their personal education plans "
            "and any suspensions.",
            ("VS_ATTENDANCE_PCT", "VS_PERSISTENT_ABSENCE_PCT", "VS_PEP_CURRENT_PCT", "VS_SUSPENSION_PCT")),
    Section("Care leavers",
            "Young people who have left care, aged 17 to 21: whether we are in touch with them, whether they are in "
            "education, employment or training, and whether they live somewhere suitable.",
            ("CL_INTOUCH_PCT", "CL_EET_17_18_PCT", "CL_EET_19_21_PCT", "CL_ACCOM_SUITABLE_PCT")),
    Section("Children placed out of area or in external provision",
            "Where children live: far from home, in children's homes, or with foster carers.",
            ("CLA_20MILES_PCT", "CLA_RESI_PCT", "CLA_FOSTER_PCT")),
    Section("Children missing from care",
            "Children in care who went missing, and whether they were offered and took up a return home interview.",
            ("CLA_MISSING_PCT", "MISSING_EPISODES", "RHI_OFFERED_PCT", "RHI_ACCEPTED_PCT")),
    Section("Unaccompanied asylum-seeking children",
            "Children who arrived in the country alone and are looked after by the council.",
            ("CLA_UASC_COUNT",)),
    Section("Children waiting for adoption or permanence",
            "Children adopted or leaving care to a special guardian, and how long the steps to adoption took.",
            ("ADOPT_COUNT", "ADOPT_A1_DAYS", "ADOPT_A2_DAYS", "SGO_COUNT")),
)

_COMPARED = {"target": "the target", "last_year": "the same quarter last year",
             "statistical_neighbours": "similar councils (statistical neighbours)"}


def sentence(card: dict[str, Any], ind: Indicator) -> str:
    """One plain sentence for members: the figure, its move since last year, and its RAG against its rule."""
    if card["withheld"]:
        return (f"{ind.title}: the figure is a small number and is not shown in this version of the report, so "
                "that no child can be identified.")
    parts = [f"{ind.title}: {card['value']}"]
    if card["numerator"] is not None and card["denominator"] is not None and ind.unit == "percent":
        parts[0] += f" ({card['numerator']:,.0f} of {card['denominator']:,.0f})"
    parts[0] += "."
    if card["last_year"] not in ("–", None) and card["change_direction"]:
        moved = {"better": "better than", "worse": "worse than", "same": "the same as"}[card["change_direction"]]
        parts.append(f"This is {moved} a year ago ({card['last_year']}).")
    elif card["last_year"] not in ("–", None):
        parts.append(f"A year ago it was {card['last_year']}.")
    if card["rag_status"]:
        parts.append(f"Against {_COMPARED[card['compare_with']]} ({card['reference']}) it is rated "
                     f"{card['rag_word'].lower()}.")
    if card["neighbours"]:
        parts.append(f"Similar councils average {card['neighbours']}.")
    if card["small"]:
        parts.append("The number of children is small, so one child makes a large difference to this figure.")
    return " ".join(parts)
