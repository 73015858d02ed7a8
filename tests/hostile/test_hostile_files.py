"""Hostile and broken files given to runcal (issue 16): every file it reads is opened only if it
is a regular file, read to its size cap, decoded as UTF-8 and parsed with bounded depth; .zip
exports are read within their caps. Each case: exit code 2, one line, no traceback, the output
untouched, bounded CPU time and memory (bounded.py) — or, for a file runcal accepts, a plan the
independent checker passes."""

from __future__ import annotations

import datetime as dt
import gzip
import os
import stat
import zipfile
from pathlib import Path

import pytest
from bounded import NOW, PROFILE, assert_bounded, assert_refused, runcal, workdir

from solver.busy import read_busy
from solver.check import check_file
from solver.limits import FILES, ZIP_INFLATED, ZIP_MEMBERS, MiB
from solver.profile import load_profile

# How each kind of file reaches runcal: the command line that reads it (X is the file).
READS = {
    "profile": lambda x: ["plan", x, "-o", "out.ics", "--now", NOW],
    "calendar": lambda x: ["plan", "p.toml", "-o", "out.ics", "--now", NOW, "--busy", x],
    "plan": lambda x: ["check", x],
    "rehab": lambda x: ["injury", "plan.ics", "--from", "2027-01-12", "--rehab", x, "-o", "out.ics", "--now", NOW],
    "scenarios": lambda x: ["whatif", "p.toml", "--scenarios-file", x, "--now", NOW],
    "password": lambda x: ["pull", "--url", "http://127.0.0.1:9/cal/", "--password-file", x, "-o", "out.ics"],
}
ONE_EVENT = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tests//EN\r\nBEGIN:VEVENT\r\nUID:one@tests\r\n"
             "DTSTAMP:20261201T000000Z\r\nDTSTART:20270105T100000Z\r\nDTEND:20270105T110000Z\r\nSUMMARY:Meeting\r\n"
             "END:VEVENT\r\nEND:VCALENDAR\r\n")


def special(kind: str, folder: Path) -> str:
    if kind == "device":
        return "/dev/zero"  # endless: read as a file it grew to 1.9 GB in 5 s
    if kind == "fifo":
        os.mkfifo(folder / "pipe")  # nobody writes to it: reading it blocked forever
        return "pipe"
    (folder / "folder").mkdir()
    return "folder"


NOT_FILES = [("device", ("is a device", "not a regular file")), ("fifo", ("is a pipe (FIFO)", "not a regular file"))]


@pytest.mark.parametrize("what, kind, words", [(what, *case) for what in sorted(READS) for case in NOT_FILES] + [
    ("profile", "directory", ("is a",)), ("calendar", "directory", ("is a",))])
def test_a_file_that_is_not_a_regular_file_is_refused(tmp_path, what, kind, words):
    folder, _ = workdir(tmp_path)
    name = special(kind, tmp_path)
    before = folder.snapshot()
    line = assert_refused(runcal(*READS[what](name), cwd=tmp_path), name, *words)
    if kind == "directory":  # click's own check (dir_okay=False) or runcal's reader, whichever comes first
        assert "is a directory" in line or "is a folder" in line, line
    assert folder.snapshot() == before


@pytest.mark.parametrize("what", sorted(READS))
def test_a_file_larger_than_its_cap_is_refused_unread(tmp_path, what):
    folder, _ = workdir(tmp_path)
    big = tmp_path / f"big.{what}"
    with open(big, "wb") as handle:  # sparse: costs no disk, but stat() says cap + 1
        handle.truncate(FILES[what].max_bytes + 1)
    before = folder.snapshot()
    run = runcal(*READS[what](big.name), cwd=tmp_path)
    assert_refused(run, big.name, "is larger than", "MiB" if FILES[what].max_bytes >= MiB else "KiB")
    assert folder.snapshot() == before


def test_a_utf8_bom_is_accepted_and_plans_the_same(tmp_path):
    folder, _ = workdir(tmp_path)
    (tmp_path / "bom.toml").write_bytes(b"\xef\xbb\xbf" + PROFILE.encode())
    run = runcal("plan", "bom.toml", "-o", "bom.ics", "--now", NOW, cwd=tmp_path)
    assert_bounded(run)
    assert run.returncode == 0, run.stderr
    plain = runcal("plan", "p.toml", "-o", "plain.ics", "--now", NOW, cwd=tmp_path)
    assert plain.returncode == 0
    assert (tmp_path / "bom.ics").read_bytes() == (tmp_path / "plain.ics").read_bytes()
    assert check_file(tmp_path / "bom.ics", load_profile(tmp_path / "p.toml")) == []


@pytest.mark.parametrize("what, name, data, words", [
    ("profile", "utf16.toml", PROFILE.encode("utf-16"), ("is UTF-16 text",)),
    ("profile", "latin1.toml", PROFILE.replace("Test Runner", "Zoë").encode("latin-1"),
     ("line 3", "is not UTF-8 text (byte 0xeb)")),
    ("profile", "gzip.toml", gzip.compress(PROFILE.encode()), ("is a gzip-compressed file",)),
    ("calendar", "utf16.ics", ONE_EVENT.encode("utf-16"), ("not a valid iCalendar file", "UTF-16 text")),
    ("calendar", "gzip.ics", gzip.compress(ONE_EVENT.encode()), ("not a valid iCalendar file", "gzip-compressed")),
    ("calendar", "binary.ics", bytes(range(256)) * 16, ("not a valid iCalendar file", "a binary file")),
    ("plan", "binary.ics", b"\x00\x01\x02" * 100, ("not a valid iCalendar file", "a binary file")),
])
def test_a_file_that_is_not_utf8_text_is_named_for_what_it_is(tmp_path, what, name, data, words):
    folder, _ = workdir(tmp_path)
    (tmp_path / name).write_bytes(data)
    before = folder.snapshot()
    line = assert_refused(runcal(*READS[what](name), cwd=tmp_path), name, *words)
    assert "\\x" not in line and "\ufffd" not in line  # no raw bytes echoed
    assert folder.snapshot() == before


@pytest.mark.parametrize("what", ["profile", "rehab", "scenarios"])
def test_deeply_nested_toml_is_one_line(tmp_path, what):
    folder, _ = workdir(tmp_path)
    (tmp_path / "deep.toml").write_text("x = " + "[" * 50_000 + "]" * 50_000 + "\n")  # RecursionError before
    before = folder.snapshot()
    assert_refused(runcal(*READS[what]("deep.toml"), cwd=tmp_path), "deep.toml", "nested too deeply")
    assert folder.snapshot() == before


# -- .zip exports ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    """A ~5 MB .zip whose one member inflates to 1 GiB (it reached 2.1 GB of memory)."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("calendar.ics", "w", force_zip64=True) as member:
            member.write(ONE_EVENT.encode()[:-len("END:VCALENDAR\r\n")])
            chunk = b"X-PAD:" + b"0" * (MiB - 8) + b"\r\n"
            for _ in range(1024):
                member.write(chunk)
    return path


def test_a_zip_bomb_is_read_only_to_its_cap(tmp_path, bomb):
    folder, _ = workdir(tmp_path)
    before = folder.snapshot()
    run = runcal(*READS["calendar"](bomb), cwd=tmp_path)
    assert_refused(run, "bomb.zip", f"unpacks to more than {ZIP_INFLATED // MiB} MiB")
    assert folder.snapshot() == before


def _zip(path: Path, members: dict[str, bytes], link: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        if link:
            info = zipfile.ZipInfo(link)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return path


def _encrypted(path: Path) -> Path:
    """A zip whose member says it is encrypted (zipfile cannot write one): flag bit 0 set in both headers."""
    _zip(path, {"work.ics": ONE_EVENT.encode()})
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.index(signature)
        data[at + offset] |= 0x01
    path.write_bytes(bytes(data))
    return path


def _corrupt(path: Path) -> Path:
    _zip(path, {"work.ics": (ONE_EVENT * 50).encode()})
    data = bytearray(path.read_bytes())
    data[60] ^= 0xFF  # inside the compressed data: the CRC (or inflate itself) fails
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("make, words", [
    (lambda p: _zip(p, {f"c{i}.ics": ONE_EVENT.encode() for i in range(10_000)}),
     (f"holds 10,000 files, more than the {ZIP_MEMBERS:,}",)),  # ran past 300 s
    (_encrypted, ("work.ics", "is encrypted")),
    (lambda p: _zip(p, {"work.ics": ONE_EVENT.encode()}, link="link.ics"), ("link.ics", "is a symbolic link")),
    (_corrupt, ("cannot be read as a .zip",)),
], ids=["10000-members", "encrypted", "symlink-member", "corrupt"])
def test_a_zip_export_is_read_within_its_caps(tmp_path, make, words):
    folder, _ = workdir(tmp_path)
    make(tmp_path / "export.zip")
    before = folder.snapshot()
    assert_refused(runcal(*READS["calendar"]("export.zip"), cwd=tmp_path), "export.zip", *words)
    assert folder.snapshot() == before


def test_a_google_zip_within_the_caps_is_read(tmp_path):
    """The caps leave a real export alone: two calendars, one busy Tuesday morning."""
    folder, _ = workdir(tmp_path)
    _zip(tmp_path / "export.zip", {"me@gmail.com.ics": ONE_EVENT.encode(), "Family.ics": ONE_EVENT.replace(
        "one@tests", "two@tests").replace("20270105T10", "20270112T10").encode()})
    run = runcal(*READS["calendar"]("export.zip"), cwd=tmp_path)
    assert_bounded(run)
    assert run.returncode == 0, run.stderr
    busy = read_busy([tmp_path / "export.zip"], "Europe/London", dt.date(2027, 1, 4), dt.date(2027, 1, 31))
    assert len(busy) == 2
    assert check_file(tmp_path / "out.ics", load_profile(tmp_path / "p.toml"), busy) == []


@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_serve_refuses_a_plan_that_is_not_a_regular_file(tmp_path, kind):
    """runcal serve reads the plan before it listens: a FIFO would block it before the first request."""
    folder, _ = workdir(tmp_path)
    name = special(kind, tmp_path)
    assert_refused(runcal("serve", name, "--port", "0", cwd=tmp_path), name, "not a regular file")
