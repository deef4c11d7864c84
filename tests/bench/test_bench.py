"""`make bench LAS=N` (bench/stages.py): which authorities it generates, and the line it prints per stage."""

from __future__ import annotations

import pytest

from bench.stages import authorities, stage_line


def test_las_takes_darlington_first_then_the_north_east_then_the_other_regions_up_to_153():
    assert authorities(1) == ["841"]
    assert authorities(3) == ["841", "840", "390"]
    assert len(set(authorities(12))) == 12 and authorities(14)[12:] == ["889", "890"]  # then the North West
    assert len(set(authorities(153))) == 153
    for las in (0, 154):
        with pytest.raises(SystemExit, match=rf"--las {las}: the generator knows England's 153 authorities, "
                                             "so 1 to 153"):
            authorities(las)


def test_a_stage_line_gives_rows_and_its_time_over_the_floors():
    build = {"stage": "build", "seconds": 90.0, "in_process_seconds": 84.0, "cpu_seconds": 80.0, "peak_mb": 1234.4,
             "rows": 12345, "nodes": 461}
    assert stage_line(build, 4.2) == ("  build        90.0 s wall (  84.0 s in stage,   80.0 s CPU)  peak    1234 MB  "
                                      "rows      12,345     20.0x floor  nodes 461")
    floor = {"stage": "floor", "seconds": 5.0, "in_process_seconds": 4.2, "cpu_seconds": 2.0, "peak_mb": 171.0,
             "rows": 70860}
    assert stage_line(floor, 4.2) == ("  floor         5.0 s wall (   4.2 s in stage,    2.0 s CPU)  peak     171 MB  "
                                      "rows      70,860")


def test_the_refresh_line_sets_in_stage_time_against_the_floors_and_wall_against_wall():
    from bench.stages import refresh_line

    timed = [("ingest", 11.0, 10.0, 9.0, 300.0), ("build", 31.0, 30.0, 40.0, 900.4), ("check", 6.0, 5.0, 5.5, 500.0),
             ("export", 2.0, 1.0, 1.0, 90.0)]
    stages = [{"stage": name, "seconds": wall, "in_process_seconds": in_stage, "cpu_seconds": cpu, "peak_mb": peak}
              for name, wall, in_stage, cpu, peak in timed]
    floor = {"stage": "floor", "seconds": 5.0, "in_process_seconds": 4.0}
    assert refresh_line(stages, floor) == (
        "refresh (ingest → build → check → export): 46.0 s in stage (50.0 s wall with each stage's process start), "
        "55.5 s CPU; 11.5x the floor (4.0 s in stage; wall 10.0x its 5.0 s); peak memory 900 MB")
    assert refresh_line(stages[:2], None) == (
        "refresh (ingest → build): 40.0 s in stage (42.0 s wall with each stage's process start), 49.0 s CPU; "
        "peak memory 900 MB")


def test_the_delta_line_gives_the_days_increment_against_the_full_rebuild_and_the_build():
    from bench.stages import delta_line

    by = {"ingest": {"in_process_seconds": 8.0, "cpu_seconds": 6.0}, "build": {"in_process_seconds": 72.0, "cpu_seconds": 44.0},
          "delta": {"in_process_seconds": 10.0, "cpu_seconds": 7.5}}
    assert delta_line(by) == ("daily delta (one new health file of one authority, loaded and built): 10.0 s in stage, "
                              "7.5 s CPU = 12% of the full rebuild's 80.0 s in stage (15% of its 50.0 s CPU; ingest + "
                              "build); 14% of the build stage alone (17% of its CPU)")
    assert delta_line({"delta": by["delta"]}) == ("daily delta (one new health file of one authority, loaded and built): "
                                                  "10.0 s in stage, 7.5 s CPU")


def test_the_delta_file_is_the_first_authoritys_newest_health_file(tmp_path):
    from bench.stages import hold_back_delta

    for la in ("841", "840"):
        for name in ("health_assessments_20250228.csv", "health_assessments_20250331.csv"):
            (tmp_path / "landing" / la / "health").mkdir(parents=True, exist_ok=True)
            (tmp_path / "landing" / la / "health" / name).write_text(la)
    held = hold_back_delta(tmp_path / "landing", 2)
    assert held == tmp_path / "delta" / "health_assessments_20250331.csv" and held.read_text() == "841"
    assert not (tmp_path / "landing" / "841" / "health" / "health_assessments_20250331.csv").exists()
    assert (tmp_path / "landing" / "840" / "health" / "health_assessments_20250331.csv").exists()


def test_a_data_folder_is_reused_only_for_the_same_size_and_its_delta_file_goes_back_to_wait(tmp_path):
    from bench.stages import put_back_delta, record_generation, reused_generation

    data = tmp_path / "nation"
    assert reused_generation(data, 2, 0.3) is None  # a new folder: generate into it
    (data / "landing" / "841" / "health").mkdir(parents=True)
    (data / "delta").mkdir()
    with pytest.raises(SystemExit, match=r"is not empty and holds no generated.json"):
        reused_generation(data, 2, 0.3)
    generated = {"rows": 1000, "seconds": 12.5, "cpu_seconds": 11.0, "peak_mb": 300.0}
    record_generation(data, 2, 0.3, generated, data / "delta" / "health_assessments_20250331.csv")
    assert reused_generation(data, 2, 0.3) == {"las": 2, "scale": 0.3, **generated,
                                               "held": "health_assessments_20250331.csv"}
    with pytest.raises(SystemExit, match=r"holds 2 authorities at scale 0.3, not 3 at 0.3"):
        reused_generation(data, 3, 0.3)
    landed = data / "landing" / "841" / "health" / "health_assessments_20250331.csv"
    landed.write_text("841")  # as the delta stage lands it
    put_back_delta(data / "landing", 2, landed.name)
    assert not landed.exists() and (data / "delta" / landed.name).read_text() == "841"
    put_back_delta(data / "landing", 2, landed.name)  # nothing landed (no delta stage ran): nothing moves
    assert (data / "delta" / landed.name).exists()


def test_the_landing_is_read_once_before_the_floor_every_file_and_byte(tmp_path):
    from bench.stages import warm_landing

    (tmp_path / "841" / "health").mkdir(parents=True)
    (tmp_path / "841" / "health" / "health_assessments_20250331.csv").write_bytes(b"a,b\n1,2\n")
    (tmp_path / "840" / "case_system").mkdir(parents=True)
    (tmp_path / "840" / "case_system" / "ssd_person.csv").write_bytes(b"x" * (5 << 20))  # more than one read
    assert warm_landing(tmp_path) == 8 + (5 << 20)
