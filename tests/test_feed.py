"""`runcal serve`: the plan as a subscription feed (200, then 304 until the file changes)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request

import pytest
from click.testing import CliRunner
from conftest import ROOT

from cli import main
from solver import feed
from solver.files import write_atomic


def _get(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as exc:  # 304 and 404 arrive as errors
        return exc.code, dict(exc.headers), exc.read()


@pytest.fixture(scope="module")
def sample_plan_bytes(tmp_path_factory):
    path = tmp_path_factory.mktemp("feed") / "plan.ics"
    result = CliRunner().invoke(main, ["plan", "-o", str(path), "--now", "2026-11-27T08:00:00Z"])
    assert result.exit_code == 0, result.output
    return path.read_bytes()


@pytest.fixture
def plan_file(tmp_path, sample_plan_bytes):
    path = tmp_path / "plan.ics"
    path.write_bytes(sample_plan_bytes)
    return path


@pytest.fixture
def served(plan_file):
    server = feed.make_server(plan_file, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, feed.url_of(server, plan_file)
    server.shutdown()
    server.server_close()


def test_200_then_304_then_a_change_gives_a_new_etag(served, plan_file):
    server, url = served
    assert server.server_address[0] == "127.0.0.1"
    status, headers, body = _get(url)
    assert status == 200 and body == plan_file.read_bytes()
    assert headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "—" in body.decode("utf-8")  # the calendar name's dash: why the charset matters
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert _get(url, **{"If-None-Match": etag})[0] == 304
    assert _get(url, **{"If-Modified-Since": modified})[0] == 304
    assert _get(url.rsplit("/", 1)[0] + "/")[0] == 200  # the root serves it too
    assert _get(url.rsplit("/", 1)[0] + "/other.ics")[0] == 404

    changed = plan_file.read_bytes().replace(b"SUMMARY:Long run", b"SUMMARY:Long run (changed)", 1)
    assert changed != plan_file.read_bytes()
    write_atomic(plan_file, changed)  # as replan writes it
    status, headers, body = _get(url, **{"If-None-Match": etag})
    assert status == 200 and body == changed and headers["ETag"] != etag
    assert _get(url, **{"If-None-Match": headers["ETag"]})[0] == 304
    head = urllib.request.Request(url, method="HEAD")
    with urllib.request.urlopen(head, timeout=10) as answer:
        assert answer.status == 200 and answer.read() == b"" and answer.headers["ETag"] == headers["ETag"]


def test_a_file_gone_for_a_moment_keeps_the_last_good_copy(served, plan_file):
    _, url = served
    first = _get(url)
    plan_file.unlink()
    assert _get(url)[:2] == first[:2] and _get(url)[2] == first[2]


def test_cli_serve_listens_on_localhost_and_answers(plan_file):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "serve", str(plan_file), "--port", "0"],
                               stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        line = process.stderr.readline()
        assert line.startswith(f"Serving {plan_file} at http://127.0.0.1:"), line
        url = line.split(" at ", 1)[1].split()[0]
        status, headers, body = _get(url)
        assert status == 200 and body == plan_file.read_bytes()
        assert _get(url, **{"If-None-Match": headers["ETag"]})[0] == 304
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_refuses_a_file_that_is_not_a_calendar(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    result = CliRunner().invoke(main, ["serve", str(bad)])
    assert result.exit_code == 2 and result.output.startswith("Error: ") and "BEGIN:VCALENDAR" in result.output
    missing = CliRunner().invoke(main, ["serve", str(tmp_path / "none.ics")])
    assert missing.exit_code == 2 and "cannot be read" in missing.output


def test_loopback_is_what_serve_calls_local():
    assert feed.is_loopback("127.0.0.1") and feed.is_loopback("localhost") and feed.is_loopback("::1")
    assert not feed.is_loopback("0.0.0.0") and not feed.is_loopback("192.168.1.5")
