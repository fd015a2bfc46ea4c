"""The index tests run on both databases: an SQLite file, and a real PostgreSQL server these
tests start (tests/support/postgres.py), a new database per test."""

import itertools
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.support.cli import PASSWORD
from tests.support.postgres import Server

_databases = itertools.count()


@pytest.fixture(scope="session")
def postgres():
    folder = Path(tempfile.mkdtemp(prefix="bazaar-pg-"))
    server = Server(folder)
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'index.sqlite'}"
    server = request.getfixturevalue("postgres")
    name = f"index_{next(_databases)}"
    engine = sa.create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as c:
        c.execute(sa.text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return server.url(name)


@pytest.fixture(autouse=True)
def keystore_password(monkeypatch):
    monkeypatch.setenv("BAZAAR_KEYSTORE_PASSWORD", PASSWORD)
