"""Never leave a user's file half-written, and never write where a file should not be replaced.

Every output runcal writes (`-o`, `--html`, `--out-dir`, `--fit`) goes through `write_atomic`:
written beside the target, then renamed over it. Before that, `output_target` refuses a target
that is not a regular file or a new path (a device, a FIFO, a socket, a folder, anything under
/dev or /proc, such as /dev/stdout), and a file the same command read as an input (the profile, a
busy calendar, the rehab file; the plan itself only where the command documents an in-place
rewrite). A symlink is kept: the file it points to is replaced. Left-over temporary files of our
own pattern from a write that was killed are removed.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import time
from pathlib import Path

from .errors import InputError
from .inputs import read_as_input

SPECIAL_TREES = ("/dev/", "/proc/", "/sys/")  # devices and kernel files: never an output
MAX_LINKS = 40  # as the kernel's own symlink limit
STALE_SECONDS = 3600  # a temporary file this old, of a writer we cannot see alive, is a leftover
FIX = "choose another output path"


def output_target(path: str | Path, option: str = "-o", replaces: tuple[str | Path, ...] = (),
                  suffix: str = "") -> Path:
    """The file `write_atomic` would replace for `path` (a symlink followed to its target), after
    refusing targets that must not be replaced. `replaces`: inputs this output may overwrite
    (an in-place re-plan's plan file). `suffix`: what the output is (".html"), for the fix's example."""
    name = str(path)
    if name in ("", "."):  # click turns -o "" into "."
        raise InputError(option, "", "is empty (or the current folder)", "give a file name, e.g. plan.ics")
    target = _follow(Path(os.path.abspath(name)), name)
    try:
        st = target.stat()
    except FileNotFoundError:
        _parent_is_folder(target, name)
        return target
    except OSError as exc:
        raise InputError(name, "", f"cannot be written ({exc.strerror or exc})", FIX) from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(name, "", "is a folder", "give a file name inside it, e.g. plan.ics")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(name, "", "is a device, pipe or socket, not a regular file, so runcal will not replace it", FIX)
    kind = read_as_input(st)
    if kind is not None and not any(_same(st, allowed) for allowed in replaces):
        example = f", e.g. {target.stem}{suffix}" if suffix and suffix != target.suffix else ""
        raise InputError(name, "", f"is an input of this command (the {kind} file it reads), so it is not "
                         "overwritten", f"give {option} its own file name{example}")
    return target


def output_folder(path: str | Path, option: str) -> Path:
    """A folder to write files into (made if missing): refused if it is a file, or under /dev or /proc."""
    name = str(path)
    if not name:
        raise InputError(option, "", "is empty", "give a folder name")
    folder = _follow(Path(os.path.abspath(name)), name)
    if folder.exists() and not folder.is_dir():
        raise InputError(name, "", "is not a folder", f"give {option} a folder (it is made if missing)")
    return folder


def check_outputs(*paths: tuple[str | Path | None, str], replaces: tuple[str | Path, ...] = (),
                  suffix: str = "") -> None:
    """Refuse, before anything is written, each output `output_target` refuses and two outputs of one
    command that are the same file."""
    seen: dict[Path, str] = {}
    for path, option in paths:
        if path is None:
            continue
        target = output_target(path, option, replaces, suffix)
        if target in seen:
            raise InputError(str(path), "", f"is given as both {seen[target]} and {option}",
                             f"give {option} its own file name")
        seen[target] = option


def write_atomic(path: str | Path, data: bytes, replaces: tuple[str | Path, ...] = (), option: str = "-o",
                 suffix: str = "") -> None:
    target = output_target(path, option, replaces, suffix)
    folder = target.parent
    _remove_stale(folder, target.name)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(str(path), "", f"cannot write here ({exc.strerror})", FIX) from None
    try:
        # mkstemp makes the file 0600; the result should have the mode the user would get from
        # any other program: an existing file keeps its own, a new one gets 0666 less the umask.
        _keep_owner_and_mode(fd, target)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:  # a full disk, a file-size limit, a read-only file system
        Path(tmp).unlink(missing_ok=True)
        raise InputError(str(path), "", f"cannot be written ({exc.strerror or exc}); the file is left as it was",
                         "free some space or choose another output path") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _follow(path: Path, name: str) -> Path:
    """`path` with every symlink of its last component followed, refusing special trees on the way."""
    for _ in range(MAX_LINKS):
        if str(path).startswith(SPECIAL_TREES) or str(path) in ("/dev", "/proc", "/sys"):
            raise InputError(name, "", f"is a device or kernel file ({path}), not a file runcal may replace", FIX)
        if not path.is_symlink():
            return path
        path = Path(os.path.abspath(os.path.join(path.parent, os.readlink(path))))
    raise InputError(name, "", f"has more than {MAX_LINKS} symbolic links in a row", FIX)


def _parent_is_folder(target: Path, name: str) -> None:
    if not target.parent.is_dir():
        raise InputError(name, "", f"cannot be written: {target.parent} is not a folder", "make the folder first, or "
                         "choose another output path")


def _same(st: os.stat_result, path: str | Path) -> bool:
    try:
        other = os.stat(path)
    except OSError:
        return False
    return (other.st_dev, other.st_ino) == (st.st_dev, st.st_ino)


def _keep_owner_and_mode(fd: int, target: Path) -> None:
    try:
        st = target.stat()
    except FileNotFoundError:
        umask = os.umask(0)  # the only portable way to read it; set straight back
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        return
    if os.geteuid() == 0 and (st.st_uid, st.st_gid) != (0, 0):
        os.fchown(fd, st.st_uid, st.st_gid)  # root rewriting a user's plan leaves it theirs
    os.fchmod(fd, stat.S_IMODE(st.st_mode))


def _remove_stale(folder: Path, name: str) -> None:
    """Remove `.NAME.PID-XXXXXXXX.tmp` files left by a write that was killed: those whose process is
    gone, or (written before the PID was in the name, or by a PID now reused) older than an hour."""
    ours = re.compile(rf"^\.{re.escape(name)}\.(?:(\d+)-)?[A-Za-z0-9_]{{8}}\.tmp$")
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    now = time.time()
    for entry in entries:
        m = ours.match(entry.name)
        if not m:
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid():
                continue
            if (m[1] and not _alive(int(m[1]))) or now - st.st_mtime > STALE_SECONDS:
                os.unlink(entry.path)
        except OSError:
            continue  # gone already, or not ours to remove


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True
