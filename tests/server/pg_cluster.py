"""A throwaway PostgreSQL 15 cluster for the server tests: temp dir, 127.0.0.1, free port, stopped afterwards.

initdb refuses to run as root, so as root the server runs as the `postgres` system user (Debian's
package creates it) — or `nobody` when that user is absent — through `runuser`/`setpriv`; as any other
user it runs directly. The superuser is `postgres` with trust authentication on 127.0.0.1 only: the
cluster lives for one test session and holds synthetic data.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BIN_DIRS = [Path(p) for p in ("/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin")]


def find_bin_dir() -> Path | None:
    """The folder with initdb and pg_ctl (CSW_PG_BIN overrides), or None when PostgreSQL is not installed."""
    candidates = [Path(os.environ["CSW_PG_BIN"])] if os.environ.get("CSW_PG_BIN") else []
    candidates += BIN_DIRS
    which = shutil.which("pg_ctl")
    if which:
        candidates.append(Path(which).parent)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_server_user() -> tuple[list[str], str | None]:
    """Command prefix that drops root to an unprivileged user, and that user's name (None when not root)."""
    if os.geteuid() != 0:
        return [], None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        if shutil.which("runuser"):
            return ["runuser", "-u", name, "--"], name
        entry = pwd.getpwnam(name)
        return ["setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--clear-groups"], name
    raise RuntimeError("running as root and neither a `postgres` nor a `nobody` user exists to run the server")


@dataclass
class Cluster:
    bin_dir: Path
    root: Path
    port: int
    prefix: list[str]
    host: str = "127.0.0.1"
    superuser: str = "postgres"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        result = subprocess.run([*self.prefix, *args], capture_output=True, text=True, cwd=self.root)
        if result.returncode != 0:
            raise RuntimeError(f"{Path(args[0]).name} failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}")
        return result

    @classmethod
    def start(cls, bin_dir: Path) -> "Cluster":
        root = Path(tempfile.mkdtemp(prefix="csw-pg-"))
        prefix, user = _as_server_user()
        if user is not None:
            entry = pwd.getpwnam(user)
            os.chown(root, entry.pw_uid, entry.pw_gid)
        os.chmod(root, 0o700)
        cluster = cls(bin_dir=bin_dir, root=root, port=_free_port(), prefix=prefix)
        cluster._run(str(bin_dir / "initdb"), "-D", str(cluster.data_dir), "-U", cluster.superuser,
                     "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync")
        options = (f"-h {cluster.host} -p {cluster.port} -k {root} -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off -c max_connections=50")
        cluster._run(str(bin_dir / "pg_ctl"), "-D", str(cluster.data_dir), "-l", str(root / "server.log"),
                     "-o", options, "-w", "-t", "60", "start")
        return cluster

    def stop(self) -> None:
        try:
            self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def psql(self, *args: str, database: str = "postgres", user: str | None = None) -> str:
        """Run psql (the cluster's own) against the cluster; raises with psql's message on error."""
        command = [str(self.bin_dir / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", self.host,
                   "-p", str(self.port), "-U", user or self.superuser, "-d", database, *args]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"psql failed: {result.stderr.strip()}")
        return result.stdout

    def env(self, database: str, user: str, password: str = "") -> dict[str, str]:
        """The CSW_PG_* settings that point csw (loader, dbt, checks, export) at this cluster."""
        return {"CSW_TARGET": "postgres", "CSW_PG_HOST": self.host, "CSW_PG_PORT": str(self.port),
                "CSW_PG_USER": user, "CSW_PG_PASSWORD": password, "CSW_PG_DATABASE": database}


if __name__ == "__main__":  # manual use: start a cluster, print its port and folder, stop it on Enter
    found = find_bin_dir()
    if found is None:
        raise SystemExit("PostgreSQL server binaries not found (apt-get install postgresql)")
    started = Cluster.start(found)
    print(f"postgres on {started.host}:{started.port} (data in {started.root}); press Enter to stop", flush=True)
    try:
        input()
    except EOFError:
        time.sleep(10**6)
    finally:
        started.stop()
