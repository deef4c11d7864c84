"""The return's timetable: due on the 10th working day after each quarter (dates counted by hand)."""

from __future__ import annotations

from datetime import date, time

import pendulum
import pytest
from airflow.timetables.base import TimeRestriction

from foundation.periods import Quarter, parse_quarter
from exports.regional.schedule import QuarterlyReturnTimetable, due_date
from foundation.periods import Quarter

# Counted on a calendar: weekends and England and Wales bank holidays skipped.
DUE = {
    "2023-24Q4": date(2024, 4, 15),  # ends Sun 31 Mar = Easter Day; Easter Mon 1 Apr off → Tue 2 Apr is day 1
    "2024-25Q1": date(2024, 7, 12),  # ends Sun 30 Jun; Mon 1 Jul is day 1
    "2024-25Q2": date(2024, 10, 14),  # ends Mon 30 Sep; Tue 1 Oct is day 1
    "2024-25Q3": date(2025, 1, 15),  # ends Tue 31 Dec; New Year's Day off → Thu 2 Jan is day 1
    "2024-25Q4": date(2025, 4, 14),  # ends Mon 31 Mar; Good Friday 18 Apr comes after
    "2025-26Q3": date(2026, 1, 15),  # ends Wed 31 Dec 2025; Thu 1 Jan off → Fri 2 Jan is day 1
    "2025-26Q4": date(2026, 4, 16),  # ends Tue 31 Mar 2026; Good Friday 3 Apr and Easter Monday 6 Apr off
}


def utc(*args) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz="UTC")


@pytest.mark.parametrize("label", sorted(DUE))
def test_due_on_the_tenth_working_day_after_the_quarter(label):
    assert due_date(parse_quarter(label)) == DUE[label]


def test_runs_of_2024_25_cover_each_quarter_and_start_on_its_due_day():
    timetable = QuarterlyReturnTimetable()
    restriction = TimeRestriction(earliest=utc(2024, 4, 1), latest=utc(2025, 3, 31), catchup=True)
    infos, last = [], None
    while (info := timetable.next_dagrun_info(last_automated_data_interval=last, restriction=restriction)) is not None:
        infos.append(info)
        last = info.data_interval
    assert [(i.logical_date, i.data_interval.end, i.run_after) for i in infos] == [
        (utc(2024, 4, 1), utc(2024, 7, 1), utc(2024, 7, 12, 6)),
        (utc(2024, 7, 1), utc(2024, 10, 1), utc(2024, 10, 14, 6)),
        (utc(2024, 10, 1), utc(2025, 1, 1), utc(2025, 1, 15, 6)),
        (utc(2025, 1, 1), utc(2025, 4, 1), utc(2025, 4, 14, 6)),
    ]


def test_first_run_is_the_first_quarter_starting_on_or_after_start_date():
    timetable = QuarterlyReturnTimetable()
    info = timetable.next_dagrun_info(
        last_automated_data_interval=None,
        restriction=TimeRestriction(earliest=utc(2024, 5, 2), latest=None, catchup=True),
    )
    assert info.logical_date == utc(2024, 7, 1) and info.run_after == utc(2024, 10, 14, 6)


def test_without_catchup_the_newest_quarter_already_due_runs_first():
    timetable = QuarterlyReturnTimetable()
    info = timetable.next_dagrun_info(
        last_automated_data_interval=None,
        restriction=TimeRestriction(earliest=utc(2019, 4, 1), latest=None, catchup=False),
    )
    now = pendulum.now("UTC")
    assert info.run_after <= now
    assert timetable.run_info(Quarter.containing(info.logical_date.date()).next()).run_after > now


@pytest.mark.parametrize(
    ("run_after", "quarter_start"),
    [
        (utc(2025, 1, 1), utc(2025, 1, 1)),  # a quarter's logical date (dags test 2025-01-01) → that quarter
        (utc(2025, 4, 20, 9, 30), utc(2025, 1, 1)),  # any other moment → the newest complete quarter
        (utc(2025, 4, 1, 0, 0, 1), utc(2025, 1, 1)),
        (utc(2025, 3, 31, 23), utc(2024, 10, 1)),
    ],
)
def test_manual_runs(run_after, quarter_start):
    interval = QuarterlyReturnTimetable().infer_manual_data_interval(run_after=run_after)
    assert interval.start == quarter_start


def test_serialises_round_trip():
    timetable = QuarterlyReturnTimetable(working_day=5, run_at=time(7, 30))
    again = QuarterlyReturnTimetable.deserialize(timetable.serialize())
    assert (again.working_day, again.run_at) == (5, time(7, 30))
    assert again.run_info(Quarter(2024, 4)).run_after == utc(2025, 4, 7, 7, 30)


def test_plugin_registers_the_timetable_for_serialisation():
    from airflow import plugins_manager

    registered = plugins_manager.get_timetables_plugins()
    assert registered["exports.regional.schedule.QuarterlyReturnTimetable"] is QuarterlyReturnTimetable


def test_dag_writes_only_after_the_gate_and_emits_the_return_asset():
    from airflow.dag_processing.dagbag import DagBag

    from csw.assets import MARTS, REGIONAL_RETURN
    from foundation.settings import PROJECT_ROOT

    bag = DagBag(dag_folder=str(PROJECT_ROOT / "dags" / "export__regional_return.py"))
    assert bag.import_errors == {}
    dag = bag.dags["export__regional_return"]
    assert isinstance(dag.timetable, QuarterlyReturnTimetable)
    assert {"csw", "export", "regional_return"} <= set(dag.tags) and dag.doc_md and dag.catchup is False
    upstream = {t.task_id: sorted(t.upstream_task_ids) for t in dag.tasks}
    assert upstream == {"marts_ready": [], "quality_gate": ["marts_ready"], "write_return": ["quality_gate"],
                        "deliver": ["write_return"], "write_scorecard": ["write_return"]}  # the quarter's pages after
    assert dag.get_task("write_return").outlets == [REGIONAL_RETURN]
    assert dag.get_task("marts_ready").inlets == [MARTS]
    assert dag.get_task("quality_gate").retries == 0 and dag.get_task("write_return").retries == 0
