"""Two app instances (gunicorn, two workers each) sharing PostgreSQL and Redis.

Lock-out counts and sessions live in the database and rate-limit counters in Redis, so what one
instance does holds at the other: failures spread across both still lock the account,
signing out other sessions at one ends them at the other, and sign-in attempts at both count
against one limit.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests

from prodmaturity import create_app
from prodmaturity.extensions import db
from tests.conftest import base_config
from tests.factories import PASSWORD, make_councils, make_people
from tests.services import require_postgres, require_redis

ROOT = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE = re.compile(r'value="([^"]+)"')
pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _own_redis_database(url: str) -> str:
    """A Redis database of our own: other tests reset the limiter's keys in theirs."""
    base, _, last = url.rstrip("/").rpartition("/")
    return f"{base}/13" if last.isdigit() else f"{url.rstrip('/')}/13"


def _wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited before answering")
        try:
            if requests.get(url + "/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within 60 s")


@pytest.fixture
def instances(tmp_path: Path) -> Iterator[tuple[str, str, redis.Redis]]:
    database = require_postgres("prodmaturity_multi")
    redis_url = _own_redis_database(require_redis())
    store = redis.Redis.from_url(redis_url)
    store.flushdb()
    app = create_app(base_config(database, tmp_path / "outbox"))
    with app.app_context():
        db.create_all()
        make_people(make_councils())
        db.session.remove()
        db.engine.dispose()
    env = {
        "PATH": "/usr/bin:/bin", "PYTHONUNBUFFERED": "1",
        "DATABASE_URL": database, "REDIS_URL": redis_url,
        "SECRET_KEY": "multi-instance-secret-key-0123456789abcdef",
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
        "PRODMATURITY_TWO_FACTOR_REQUIRED_LGA": "false",
        "PRODMATURITY_TWO_FACTOR_REQUIRED_COUNCIL": "false",
        "PRODMATURITY_LOGIN_MAX_FAILURES": "4",
        "PRODMATURITY_RATELIMIT_SIGN_IN": "8 per minute",
    }
    processes, urls = [], []
    log = (tmp_path / "gunicorn.log").open("w")
    try:
        for _ in range(2):
            port = _free_port()
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                 "wsgi:app"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
            urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(urls, processes, strict=True):
            _wait_for(url, process)
        yield urls[0], urls[1], store
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=20)
        log.close()
        store.flushdb()


def _token(browser: requests.Session, url: str) -> str:
    found = CSRF.search(browser.get(url, allow_redirects=False).text)
    assert found, f"no CSRF token on {url}"
    return VALUE.findall(found.group(0))[0]


def _sign_in(browser: requests.Session, base: str, email: str,
             password: str = PASSWORD) -> requests.Response:
    token = _token(browser, base + "/sign-in")
    return browser.post(base + "/sign-in", allow_redirects=False, data={
        "csrf_token": token, "email": email, "password": password})


def test_two_instances_share_lock_outs_sessions_and_rate_limits(
    instances: tuple[str, str, redis.Redis],
) -> None:
    a, b, store = instances

    # Failed sign-ins spread across both instances still lock the account.
    attacker = requests.Session()
    for base in (a, b, a):
        response = _sign_in(attacker, base, "officer@a.example", "guess guess guess")
        assert "Enter a correct email address and password" in response.text
    assert "Your account is locked" in _sign_in(
        attacker, b, "officer@a.example", "guess guess guess").text
    response = _sign_in(requests.Session(), a, "officer@a.example")
    assert response.status_code == 200 and "Your account is locked" in response.text

    # Signing out of other sessions at one instance ends them at the other at once.
    store.flushdb()
    here, there = requests.Session(), requests.Session()
    assert _sign_in(here, a, "lead@a.example").status_code == 302
    assert _sign_in(there, b, "lead@a.example").status_code == 302
    assert there.get(b + "/account", allow_redirects=False).status_code == 200
    token = _token(here, a + "/account")
    response = here.post(a + "/account/sessions/sign-out-others", allow_redirects=False,
                         data={"csrf_token": token})
    assert response.status_code == 302
    for base in (b, a):
        response = there.get(base + "/account", allow_redirects=False)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert here.get(b + "/account", allow_redirects=False).status_code == 200

    # Sign-in attempts at both instances count against the one limit (8 a minute).
    store.flushdb()
    visitor = requests.Session()
    statuses = [_sign_in(visitor, base, "nobody@a.example", "guess guess guess").status_code
                for base in (a, b) * 4]
    assert statuses == [200] * 8
    assert _sign_in(visitor, a, "lead@a.example").status_code == 429
    assert _sign_in(visitor, b, "lead@a.example").status_code == 429
