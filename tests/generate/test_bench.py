"""`make bench LAS=N`: which authorities it generates, and the line it prints per stage (rows, time over the floor)."""

from __future__ import annotations

import pytest

from synthetic.bench import authorities, stage_line


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
