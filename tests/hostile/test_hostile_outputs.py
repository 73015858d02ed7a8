"""Where runcal writes (issue 16): every output (-o, --html, --out-dir, --fit) replaces only a
regular file or makes a new one — never a device, FIFO, socket, folder or anything under /dev or
/proc — and never an input of the same command (the plan only for the documented in-place
replan/injury/push). A symlink is written through (it stays a link), an existing file keeps its
mode, a new one follows the umask; a full disk is one line with the file untouched, and temporary
files a killed write left behind are removed by the next write."""

from __future__ import annotations

import datetime as dt
import os
import socket
import stat
import time
from pathlib import Path

import icalendar
import pytest
from bounded import NOW, assert_bounded, assert_refused, runcal, workdir

from solver.check import check_file
from solver.errors import InputError
from solver.files import output_target
from solver.profile import load_profile

IS_ROOT = os.geteuid() == 0


@pytest.mark.parametrize("path", ["/dev/stdout", "/dev/null", "/proc/self/fd/1", "/dev/shm/../null", "/sys/kernel"])
def test_a_device_or_kernel_path_is_never_a_target(path):
    """Checked without writing anything: before issue 16, -o /dev/null replaced the device (as root)."""
    with pytest.raises(InputError, match="device or kernel file"):
        output_target(path)


def _fifo(folder: Path) -> str:
    os.mkfifo(folder / "pipe.ics")
    return "pipe.ics"


def _socket(folder: Path) -> str:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(folder / "sock.ics"))
    server.close()  # the socket file stays
    return "sock.ics"


def _device(folder: Path) -> str:
    if not IS_ROOT:
        if os.environ.get("CI"):
            raise AssertionError("CI runs as root (.ci/run): the device case must run there")
        pytest.skip("making a device node needs root")
    os.mknod(folder / "null.ics", 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a private /dev/null
    return "null.ics"


def _dev_stdout_link(folder: Path) -> str:
    (folder / "stdout.ics").symlink_to("/dev/stdout")
    return "stdout.ics"


def _folder(folder: Path) -> str:
    (folder / "plans").mkdir()
    return "plans"


@pytest.mark.parametrize("make, words", [
    (_fifo, ("is a device, pipe or socket",)), (_socket, ("is a device, pipe or socket",)),
    (_device, ("is a device, pipe or socket",)), (_dev_stdout_link, ("device or kernel file",)),
    (_folder, ("plans", "is a directory")), (lambda folder: "", ("-o", "is empty")),  # click's own check, one line
], ids=["fifo", "socket", "device", "link-to-dev-stdout", "folder", "empty"])
def test_a_target_that_is_not_a_regular_file_is_refused(tmp_path, make, words):
    folder, _ = workdir(tmp_path)
    name = make(tmp_path)
    before = folder.snapshot()
    run = runcal("plan", "p.toml", "-o", name, "--now", NOW, cwd=tmp_path)
    assert_refused(run, *words)
    assert folder.snapshot() == before
    if name == "null.ics":
        assert stat.S_ISCHR((tmp_path / name).lstat().st_mode)


@pytest.mark.parametrize("args, words", [
    (["plan", "p.toml", "-o", "p.toml"], ("p.toml", "is an input of this command (the profile file")),
    (["plan", "p.toml", "--busy", "busy.ics", "-o", "busy.ics"], ("busy.ics", "the calendar file")),
    (["plan", "p.toml", "-o", "out.ics", "--html", "p.toml"], ("p.toml", "the profile file")),
    (["plan", "p.toml", "-o", "out.ics", "--html", "out.ics"], ("out.ics", "both -o and --html")),
    (["injury", "plan.ics", "--from", "2027-01-12", "--rehab", "rehab.toml", "-o", "rehab.toml"],
     ("rehab.toml", "the rehab file")),
    (["replan", "plan.ics", "--today", "2027-01-12", "--profile", "p.toml", "-o", "p.toml"], ("p.toml", "the profile")),
    (["replan", "plan.ics", "--today", "2027-01-12", "--html", "plan.ics"], ("plan.ics", "the plan file")),
    (["show", "plan.ics", "-o", "plan.ics"], ("plan.ics", "the plan file", "e.g. plan.html")),
    (["whatif", "p.toml", "-s", "b: sessions=3", "--html", "p.toml"], ("p.toml", "the profile file")),
    (["pull", "--url", "http://127.0.0.1:9/cal/", "--password-file", "pw.txt", "-o", "pw.txt"], ("pw.txt", "the password")),
])
def test_an_input_of_the_same_command_is_never_overwritten(tmp_path, args, words):
    folder, _ = workdir(tmp_path)
    (tmp_path / "busy.ics").write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nEND:VCALENDAR\r\n")
    (tmp_path / "pw.txt").write_text("secret\n")
    before = folder.snapshot()
    assert_refused(runcal(*args, "--now", NOW, cwd=tmp_path) if args[0] not in ("show", "pull") else
                   runcal(*args, cwd=tmp_path), *words)
    assert folder.snapshot() == before


def test_an_input_behind_another_name_is_still_an_input(tmp_path):
    """A symlink or a hard link to the profile is the profile."""
    folder, _ = workdir(tmp_path)
    (tmp_path / "link.toml").symlink_to("p.toml")
    os.link(tmp_path / "p.toml", tmp_path / "hard.toml")
    before = folder.snapshot()
    for name in ("link.toml", "hard.toml"):
        assert_refused(runcal("plan", "p.toml", "-o", name, "--now", NOW, cwd=tmp_path), name, "the profile file")
    assert folder.snapshot() == before


def test_replan_in_place_is_the_documented_exception(tmp_path):
    folder, _ = workdir(tmp_path)
    before = (tmp_path / "plan.ics").read_bytes()
    # A session of the plan before --today, whichever day the solver gave it.
    cal = icalendar.Calendar.from_ical(before)
    day = min(e.decoded("DTSTART").date() for e in cal.walk("VEVENT")
              if str(e.get("X-RUNCAL-KIND", "")) in ("easy", "strength") and e.decoded("DTSTART").date() < dt.date(2027, 1, 12))
    run = runcal("replan", "plan.ics", "--today", "2027-01-12", "--missed", str(day), "--now", NOW, cwd=tmp_path)
    assert_bounded(run)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "plan.ics").read_bytes() != before
    assert check_file(tmp_path / "plan.ics") == []


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path):
    folder, _ = workdir(tmp_path)
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "real.ics").write_bytes(b"old")
    (tmp_path / "current.ics").symlink_to("plans/real.ics")
    run = runcal("plan", "p.toml", "-o", "current.ics", "--now", NOW, cwd=tmp_path)
    assert_bounded(run)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "current.ics").is_symlink() and os.readlink(tmp_path / "current.ics") == "plans/real.ics"
    assert (tmp_path / "plans" / "real.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert check_file(tmp_path / "current.ics", load_profile(tmp_path / "p.toml")) == []
    assert sorted(p.name for p in (tmp_path / "plans").iterdir()) == ["real.ics"]  # no temporary file left


def test_modes_an_existing_file_keeps_its_own_a_new_one_follows_the_umask(tmp_path):
    folder, _ = workdir(tmp_path)
    os.chmod(tmp_path / "out.ics", 0o640)
    run = runcal("plan", "p.toml", "-o", "out.ics", "--html", "new.html", "--now", NOW, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert stat.S_IMODE((tmp_path / "out.ics").stat().st_mode) == 0o640
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.html").stat().st_mode) == 0o666 & ~umask  # not mkstemp's 0600


def test_temporary_files_left_by_a_killed_write_are_removed(tmp_path):
    folder, _ = workdir(tmp_path)
    dead = _dead_pid()
    stale = [tmp_path / f".out.ics.{dead}-abcd1234.tmp", tmp_path / ".out.ics.zyxw9876.tmp"]  # new and old pattern
    for path in stale:
        path.write_bytes(b"half a plan")
    hour_ago = time.time() - 7200
    os.utime(stale[1], (hour_ago, hour_ago))
    live = tmp_path / f".out.ics.{os.getpid()}-live0000.tmp"  # a writer that is still running (this test)
    live.write_bytes(b"being written")
    other = tmp_path / ".notes.txt.12345-abcd1234.tmp"  # another file's: not this write's business
    other.write_bytes(b"x")
    run = runcal("plan", "p.toml", "-o", "out.ics", "--now", NOW, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert not any(p.exists() for p in stale)
    assert live.exists() and other.exists()


def _dead_pid() -> int:
    pid = 4_000_000  # above any pid_max Linux allows by default
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        pid += 1


def test_a_full_disk_is_one_line_and_the_old_file_stays(tmp_path):
    """RLIMIT_FSIZE makes every write past 10 kB fail with EFBIG, as a full disk fails with ENOSPC."""
    folder, _ = workdir(tmp_path)
    before = folder.snapshot()
    run = runcal("plan", "p.toml", "-o", "out.ics", "--now", NOW, cwd=tmp_path, file_size=10_000)
    assert_refused(run, "out.ics", "cannot be written", "the file is left as it was")
    assert folder.snapshot() == before  # no temporary file either


@pytest.mark.parametrize("args, words", [
    (["whatif", "p.toml", "-s", "b: sessions=3", "--out-dir", "out.ics"], ("out.ics", "is a file")),  # click's check
    (["export", "plan.ics", "--fit", "out.ics", "--from", "2027-01-04"], ("out.ics", "is a file")),
    (["export", "plan.ics", "--fit", "/proc/self", "--from", "2027-01-04"], ("device or kernel file",)),
    (["whatif", "p.toml", "-s", "b: sessions=3", "--out-dir", "/dev/shm/x"], ("device or kernel file",)),
])
def test_an_output_folder_must_be_a_folder(tmp_path, args, words):
    folder, _ = workdir(tmp_path)
    before = folder.snapshot()
    assert_refused(runcal(*args, cwd=tmp_path), *words)
    assert folder.snapshot() == before


def test_an_output_folder_never_replaces_what_is_in_it_wrongly(tmp_path):
    """--out-dir whose NAME.ics would be a FIFO: refused before anything is solved or written."""
    folder, _ = workdir(tmp_path)
    (tmp_path / "whatif").mkdir()
    os.mkfifo(tmp_path / "whatif" / "b.ics")
    before = folder.snapshot()
    run = runcal("whatif", "p.toml", "-s", "b: sessions=3", "--out-dir", "whatif", "--now", NOW, cwd=tmp_path)
    assert_refused(run, "b.ics", "is a device, pipe or socket")
    assert folder.snapshot() == before
