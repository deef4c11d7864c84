"""`csw dq acknowledge` / `csw dq acknowledgements` / `csw dq digest` and `csw generate --defects` refusals."""

from __future__ import annotations

from datetime import date, datetime

from csw.cli import main
from foundation.warehouse import connect
from expectations import CheckResult, CheckRun
from expectations.store import write_run

AT = datetime(2025, 4, 1, 9, 0)


def _result(suite: str, check: str, severity: str) -> CheckResult:
    return CheckResult(suite=suite, check_name=check, feed="case_system", table_name="t", severity=severity,
                       status="failed", observed_value="1 records", failing_rows=1, failing_sample="MS1",
                       message=f"{check} failed", checked_at=AT)


def _store_run(settings) -> None:
    results = [_result("dfe_validation", "903 L09", "warning"), _result("dfe_validation", "903 501", "blocking")]
    con = connect(settings)
    try:
        write_run(con, CheckRun.from_results("r1", date(2025, 3, 31), AT, AT, results), results)
    finally:
        con.close()


def test_acknowledge_and_list(settings, capsys):
    _store_run(settings)
    assert main(["dq", "acknowledge", "903 L09", "--by", "J Smith", "--reason", "missing from home before care",
                 "--expires", "2099-06-30"]) == 0
    out = capsys.readouterr().out
    assert "acknowledged dfe_validation / 903 L09 by J Smith until 2099-06-30" in out

    assert main(["dq", "acknowledgements"]) == 0
    listing = capsys.readouterr().out
    assert "903 L09" in listing and "J Smith" in listing and "missing from home before care" in listing
    assert "yes" in listing and "1 acknowledgement(s)" in listing


def test_blocking_check_cannot_be_acknowledged(settings, capsys):
    _store_run(settings)
    assert main(["dq", "acknowledge", "903 501", "--by", "J Smith", "--reason", "x"]) == 1
    err = capsys.readouterr().err.strip()
    assert err == ("csw: dfe_validation / 903 501 is a blocking check: blocking checks cannot be acknowledged, "
                   "the data must be fixed (they stop the regional return)")


def test_digest_without_recipients_says_so(settings, capsys):
    _store_run(settings)
    assert main(["dq", "digest"]) == 0
    assert "not sent, CSW_ALERT_TO is empty" in capsys.readouterr().out


def test_unknown_defect_is_refused_before_any_work(tmp_path, capsys):
    assert main(["generate", "--out", str(tmp_path / "landing"), "--defects", "nonsense"]) == 1
    assert capsys.readouterr().err.startswith("csw: unknown defect(s) nonsense; known: all, cp_plan_before_referral")
    assert not (tmp_path / "landing").exists()
