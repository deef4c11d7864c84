"""The Airflow plugin of the project: registers the timetables its DAGs use (Airflow serialises a DAG
with a custom timetable only when a plugin names it). Installed as the `airflow.plugins` entry point in
pyproject.toml, so the scheduler, the dag-processor and `airflow dags test` all find it."""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from exports.regional.schedule import QuarterlyReturnTimetable


class CswPlugin(AirflowPlugin):
    name = "csw"
    timetables = [QuarterlyReturnTimetable]
