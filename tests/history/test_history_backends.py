"""The PostgreSQL half of the history tests is skipped without a server, except where one is
required (``SMS_MODEL_REQUIRE_POSTGRES=1``, as in CI): there a missing server fails the tests,
so that CI cannot pass while testing SQLite alone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.history.conftest import POSTGRES_URL, REQUIRE_POSTGRES

ROOT = Path(__file__).resolve().parents[2]
TEST = "tests/history/test_history_store.py::test_source_is_stored"


def _pytest(**environment: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in (POSTGRES_URL, REQUIRE_POSTGRES)}
    env.update(environment)
    command = [sys.executable, "-m", "pytest", TEST, "-o", "addopts=", "-p", "no:cacheprovider"]
    command += ["-rs", "-q", "-W", "error"]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)


@pytest.mark.parametrize(
    ("required", "code", "summary"),
    [
        pytest.param("0", 0, "1 passed, 1 skipped", id="optional"),
        pytest.param("1", 1, "1 passed, 1 error", id="required"),
    ],
)
def test_without_a_server_the_postgresql_tests_skip_unless_required(
    required: str, code: int, summary: str
) -> None:
    pytest.importorskip("sqlalchemy")
    result = _pytest(**{REQUIRE_POSTGRES: required})
    assert code == result.returncode, result.stdout + result.stderr
    assert summary in result.stdout
    if required == "1":
        assert f"{REQUIRE_POSTGRES}=1, but {POSTGRES_URL} is not set" in result.stdout
