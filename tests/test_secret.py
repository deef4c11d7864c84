"""The pseudonymisation secret: outside demo mode a missing, public or short secret is refused before any file
is read or moved, and the commands that key children print the secret's source, never the secret."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pytest

from csw.cli import main
from foundation.settings import DEMO_PSEUDONYMISATION_SECRET, MIN_SECRET_LENGTH, get_settings

STRONG = "x7Q-strong-secret-for-a-test-authority-0987654321"
PERSONS = "pers_person_id,pers_sex,pers_dob,pers_ethnicity\nP1,M,2015-03-01,WBRI\n"


@pytest.fixture
def landing(tmp_path, settings) -> Path:
    folder = tmp_path / "landing"
    (folder / "case_system").mkdir(parents=True)
    (folder / "case_system" / "ssd_person.csv").write_text(PERSONS)
    return folder


def _use(monkeypatch, secret: str | None = None, *, demo: bool = False, secret_file: Path | None = None) -> None:
    for name in ("CSW_PSEUDONYMISATION_SECRET", "CSW_PSEUDONYMISATION_SECRET_FILE", "CSW_DEMO"):
        monkeypatch.delenv(name, raising=False)
    if secret is not None:
        monkeypatch.setenv("CSW_PSEUDONYMISATION_SECRET", secret)
    if secret_file is not None:
        monkeypatch.setenv("CSW_PSEUDONYMISATION_SECRET_FILE", str(secret_file))
    if demo:
        monkeypatch.setenv("CSW_DEMO", "1")


def _refused(capsys, argv: list[str]) -> str:
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 1
    assert len(err.strip().splitlines()) == 1
    return err


def _untouched(landing: Path, settings) -> None:
    assert (landing / "case_system" / "ssd_person.csv").read_text() == PERSONS  # not moved, not quarantined
    assert not settings.warehouse.exists()  # nothing opened, nothing keyed
    assert not settings.quarantine_dir.exists()


def test_a_missing_secret_is_refused_by_ingest_and_run(monkeypatch, capsys, landing, settings):
    _use(monkeypatch)
    for argv in (["ingest", "--landing", str(landing)], ["run", "--landing", str(landing), "--as-of", "2025-03-31"]):
        err = _refused(capsys, argv)
        assert err.startswith("csw: no pseudonymisation secret: set CSW_PSEUDONYMISATION_SECRET")
        assert "secrets.token_urlsafe(48)" in err and "CSW_DEMO=1" in err
        _untouched(landing, settings)


def test_the_demo_secret_and_the_example_placeholder_are_refused_outside_demo_mode(monkeypatch, capsys, landing, settings):
    for public in (DEMO_PSEUDONYMISATION_SECRET, "change-me"):
        _use(monkeypatch, public)
        err = _refused(capsys, ["ingest", "--landing", str(landing)])
        assert "is a public one" in err and "anyone could reverse the child keys" in err
        assert public not in err
        _untouched(landing, settings)


def test_a_short_secret_is_refused_with_how_to_make_one(monkeypatch, capsys, landing, settings):
    short = "a" * (MIN_SECRET_LENGTH - 1)
    _use(monkeypatch, short)
    err = _refused(capsys, ["ingest", "--landing", str(landing)])
    assert f"is {MIN_SECRET_LENGTH - 1} characters: at least {MIN_SECRET_LENGTH} are needed" in err
    assert 'python -c "import secrets; print(secrets.token_urlsafe(48))"' in err
    assert short not in err
    _untouched(landing, settings)


def test_rekey_is_refused_without_a_usable_secret(monkeypatch, capsys, settings):
    _use(monkeypatch, "too-short")
    err = _refused(capsys, ["rekey", "--as-of", "2025-03-31"])
    assert "is 9 characters" in err
    assert not settings.warehouse.exists()


def test_ingest_prints_the_source_of_the_secret_and_never_the_secret(monkeypatch, capsys, landing, settings):
    _use(monkeypatch, STRONG)
    assert main(["ingest", "--landing", str(landing)]) == 0
    out = capsys.readouterr()
    assert "pseudonymisation secret: environment variable CSW_PSEUDONYMISATION_SECRET\n" in out.out
    assert STRONG not in out.out + out.err
    assert "files loaded: 1" in out.out


def test_a_secret_file_is_read_and_named_as_the_source(monkeypatch, capsys, landing, settings, tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(STRONG + "\n")
    _use(monkeypatch, secret_file=path)
    assert main(["ingest", "--landing", str(landing)]) == 0
    out = capsys.readouterr().out
    assert f"pseudonymisation secret: file {path} (CSW_PSEUDONYMISATION_SECRET_FILE)\n" in out
    assert STRONG not in out
    from foundation.warehouse import connect

    con = connect(get_settings(), read_only=True)
    try:
        (key,) = con.execute("select child_key from raw._child_keys where person_id = 'P1'").fetchone()
    finally:
        con.close()
    assert key == hmac.new(STRONG.encode(), b"841:P1", hashlib.sha256).hexdigest()  # the file's secret, stripped


def test_both_sources_at_once_and_an_unreadable_file_are_refused(monkeypatch, capsys, landing, settings, tmp_path):
    _use(monkeypatch, STRONG, secret_file=tmp_path / "secret.txt")
    assert "both CSW_PSEUDONYMISATION_SECRET and CSW_PSEUDONYMISATION_SECRET_FILE are set" in _refused(
        capsys, ["ingest", "--landing", str(landing)])
    _use(monkeypatch, secret_file=tmp_path / "absent.txt")
    assert "cannot read the pseudonymisation secret from file" in _refused(capsys, ["ingest", "--landing", str(landing)])
    _untouched(landing, settings)


def test_demo_mode_uses_the_demo_secret_and_says_so(monkeypatch, capsys, landing, settings):
    _use(monkeypatch, demo=True)
    assert main(["ingest", "--landing", str(landing)]) == 0
    out = capsys.readouterr().out
    assert "pseudonymisation secret: the public demo secret (CSW_DEMO=1: synthetic data only)\n" in out
    assert DEMO_PSEUDONYMISATION_SECRET not in out
    assert get_settings().pseudonymisation_secret == DEMO_PSEUDONYMISATION_SECRET


def test_settings_never_show_the_secret(monkeypatch):
    _use(monkeypatch, STRONG)
    settings = get_settings()
    assert STRONG not in repr(settings) and STRONG not in str(settings.secret)
    assert settings.pseudonymisation_secret == STRONG
