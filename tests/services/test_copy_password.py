"""``db copy --to`` a PostgreSQL server that asks for a password: never in the URL.

A URL with a password shows in ``ps`` to every user of the machine, so it is
refused; the password comes from ``PGPASSWORD``, a ``.pgpass`` file
(``PGPASSFILE``) or ``--password-prompt``. The session's throwaway server gets one
role that must give a password (SCRAM, a ``pg_hba.conf`` line for it alone, put
back afterwards); everything else keeps trusting local connections.
"""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from human_pretraining.cli import main
from tests.pg import Cluster


@pytest.fixture
def backend() -> str:
    return "postgresql"


@dataclass(frozen=True)
class Server:
    url: str  # no password in it
    user: str
    password: str
    database: str
    port: int


@pytest.fixture
def password_server(pg_cluster: Cluster) -> Iterator[Server]:
    user = "hp_" + uuid.uuid4().hex[:8]
    password = "pw-" + uuid.uuid4().hex
    hba = pg_cluster.data / "pg_hba.conf"
    original = hba.read_text()
    with pg_cluster.admin() as conn:
        conn.execute(f"CREATE ROLE {user} LOGIN PASSWORD '{password}'")  # scram by default
        database = pg_cluster.create_database()
        conn.execute(f'ALTER DATABASE "{database}" OWNER TO {user}')
    # First match wins: this role (and only it) must give its password over TCP.
    hba.write_text(f"host all {user} 127.0.0.1/32 scram-sha-256\n" + original)
    with pg_cluster.admin() as conn:
        conn.execute("SELECT pg_reload_conf()")
    try:
        yield Server(
            f"postgresql+psycopg://{user}@{pg_cluster.hostport}/{database}",
            user,
            password,
            database,
            pg_cluster.port,
        )
    finally:
        hba.write_text(original)
        with pg_cluster.admin() as conn:
            conn.execute("SELECT pg_reload_conf()")
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            conn.execute(f"DROP ROLE IF EXISTS {user}")


@pytest.fixture
def history(isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))  # never the real ~/.pgpass
    assert main(["task", "done", "Explain something to someone"], out=io.StringIO()) == 0
    return isolated_home


def copy(*extra: str, to: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["db", "copy", "--to", to, *extra], out=out)
    return code, out.getvalue()


def test_without_a_password_the_copy_says_how_to_give_one(
    history: Path, password_server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = copy(to=password_server.url)
    assert code == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "password" in err and "PGPASSWORD" in err and ".pgpass" in err


def test_the_password_in_the_url_is_refused_before_connecting(
    history: Path, password_server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    user, password = password_server.user, password_server.password
    with_password = password_server.url.replace(f"{user}@", f"{user}:{password}@")
    code, out = copy(to=with_password)
    assert code == 2 and out == ""
    err = capsys.readouterr().err
    assert password not in err and "PGPASSWORD" in err


def test_pgpassword_is_used(
    history: Path, password_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGPASSWORD", password_server.password)
    code, out = copy(to=password_server.url)
    assert code == 0, out
    assert "Balance there: 30 points." in out


def test_a_pgpass_file_is_used(
    history: Path, password_server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = password_server
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{s.port}:{s.database}:{s.user}:{s.password}\n")
    pgpass.chmod(0o600)  # libpq ignores a .pgpass others can read
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    code, out = copy(to=s.url)
    assert code == 0, out
    assert "Balance there: 30 points." in out


def test_a_prompted_password_is_used_and_not_left_behind(
    history: Path, password_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def answer(prompt: str = "") -> str:
        asked.append(prompt)
        return password_server.password

    monkeypatch.setattr("getpass.getpass", answer)
    code, out = copy("--password-prompt", to=password_server.url)
    assert code == 0, out
    assert len(asked) == 1 and "password" in asked[0].lower()
    assert "Balance there: 30 points." in out
    assert "PGPASSWORD" not in os.environ


def test_a_wrong_password_is_one_line(
    history: Path,
    password_server: Server,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PGPASSWORD", "not-" + password_server.password)
    assert copy(to=password_server.url)[0] == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "password" in err and password_server.password not in err
