"""Never leave a user's file half-written: write beside it, then rename over it."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from .errors import InputError


def write_atomic(path: str | Path, data: bytes) -> None:
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(str(path), "", f"cannot write here ({exc.strerror})", "choose another output path") from None
    try:
        # mkstemp makes the file 0600; the result should have the mode the user would get from
        # any other program: an existing file keeps its own, a new one gets 0666 less the umask.
        os.fchmod(fd, _mode_for(path))
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)  # the only portable way to read it; set straight back
        os.umask(umask)
        return 0o666 & ~umask


def read_text(path: str | Path, what: str, error: type[InputError] = InputError) -> str:
    """A user's UTF-8 text file, or one clear `error` naming it (`what`: the fix if it is missing)."""
    path = Path(path)
    try:
        return path.read_text("utf-8")
    except FileNotFoundError:
        raise error(str(path), "", "file not found", f"give the path of {what}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(str(path), "", f"cannot be read ({exc})", "save it as UTF-8 text") from None
