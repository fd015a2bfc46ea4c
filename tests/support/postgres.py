"""A real PostgreSQL server for the index tests, started by the tests themselves: `initdb` in a
temporary folder and `pg_ctl` on a unix socket there (no TCP port). As root (CI), the cluster
belongs to the unprivileged `postgres` user, since initdb refuses to run as root. The binaries
are Debian's (`/usr/lib/postgresql/<version>/bin`); `.ci/run` installs the package where it is
missing. Missing binaries fail the tests: they are never skipped."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path


def binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb is None:
        raise RuntimeError(
            "no PostgreSQL server binaries: install Debian's postgresql package (.ci/run does)"
        )
    return Path(initdb).parent


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Server:
    """A PostgreSQL cluster in `folder`, listening on a unix socket there."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.bin = binaries()
        self.data = folder / "data"
        folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres")
            os.chmod(folder, 0o755)

    def start(self) -> None:
        subprocess.run(
            _as_owner([str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U",
                       "bazaar", "--no-sync"]),
            check=True, capture_output=True,
        )  # fmt: skip
        options = f"-k {self.folder} -c listen_addresses='' -c fsync=off"
        subprocess.run(
            _as_owner([str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l",
                       str(self.folder / "log"), "-w", "start"]),
            check=True, capture_output=True,
        )  # fmt: skip

    def stop(self) -> None:
        subprocess.run(
            _as_owner([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"]),
            check=False, capture_output=True,
        )  # fmt: skip

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://bazaar@/{database}?host={self.folder}"
