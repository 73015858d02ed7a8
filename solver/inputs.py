"""One guarded way to read a user's file: every profile, calendar, plan, rehab, scenarios and
password file goes through `read_bytes`/`read_text`.

A file is read only if it is a regular file (a device such as /dev/zero would never end, a FIFO
would block forever), and never more than its kind's cap (solver/limits.py FILES). Text must be
UTF-8 (a UTF-8 BOM is accepted; UTF-16, compressed and binary files are named for what they are).
TOML and JSON are parsed with their depth bounded. Every file read is remembered for the command
that reads it (`command_scope`), so an output path that names one of its inputs can be refused
(solver/files.py).
"""

from __future__ import annotations

import contextvars
import json
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .errors import InputError
from .limits import FILES, JSON_DEPTH, MiB

# (device, inode) -> what the file was, for the files read by the running command (None: no scope).
_READ: contextvars.ContextVar[dict[tuple[int, int], str] | None] = contextvars.ContextVar("runcal_inputs", default=None)

UTF8_BOM = b"\xef\xbb\xbf"
# What a file that is not text starts with, and what to call it.
_MAGIC = ((b"\xff\xfe\x00\x00", "UTF-32 text"), (b"\x00\x00\xfe\xff", "UTF-32 text"), (b"\xff\xfe", "UTF-16 text"),
          (b"\xfe\xff", "UTF-16 text"), (b"\x1f\x8b", "a gzip-compressed file"), (b"PK\x03\x04", "a zip archive"),
          (b"BZh", "a bzip2-compressed file"), (b"\xfd7zXZ", "an xz-compressed file"), (b"%PDF", "a PDF"))


@contextmanager
def command_scope() -> Iterator[None]:
    """Remember the files read until the block ends (one CLI command)."""
    token = _READ.set({})
    try:
        yield
    finally:
        _READ.reset(token)


def read_as_input(st: os.stat_result) -> str | None:
    """What the file with this stat was read as in the running command (None: not read)."""
    found = _READ.get()
    return None if found is None else found.get((st.st_dev, st.st_ino))


def read_bytes(path: str | Path, kind: str, error: type[InputError] = InputError) -> bytes:
    """The file's bytes, at most its kind's cap; one clear `error` naming the file otherwise."""
    spec = FILES[kind]
    name = str(path)
    fix = f"give the path of {spec.what}"
    if not name:
        raise error("''", "", "is an empty path", fix)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused just below).
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise error(name, "", "file not found", fix) from None
    except OSError as exc:
        raise error(name, "", f"cannot be opened ({exc.strerror or exc})", fix) from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise error(name, "", "is a folder, not a file", fix)
        if not stat.S_ISREG(st.st_mode):
            raise error(name, "", f"is {_kind_of(st.st_mode)}, not a regular file", fix)
        if st.st_size > spec.max_bytes:
            raise _too_large(name, spec.max_bytes, error)
        data = _read_at_most(fd, spec.max_bytes + 1)  # a file may grow, or lie about its size (/proc)
        if len(data) > spec.max_bytes:
            raise _too_large(name, spec.max_bytes, error)
    except OSError as exc:
        raise error(name, "", f"cannot be read ({exc.strerror or exc})", fix) from None
    finally:
        os.close(fd)
    found = _READ.get()
    if found is not None:
        found[(st.st_dev, st.st_ino)] = kind
    return data


def read_text(path: str | Path, kind: str, error: type[InputError] = InputError) -> str:
    """The file as UTF-8 text (a leading BOM dropped)."""
    return decode_text(read_bytes(path, kind, error), str(path), error)


def decode_text(data: bytes, source: str, error: type[InputError] = InputError) -> str:
    """UTF-8 text; a file that is something else is named for what it is."""
    data = data.removeprefix(UTF8_BOM)
    not_text = what_binary(data)
    if not_text:
        raise error(source, "", f"is {not_text}, not UTF-8 text", "save it as UTF-8 text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise error(source, f"line {line}", f"is not UTF-8 text (byte 0x{data[exc.start]:02x})",
                    "save it as UTF-8 text") from None


def what_binary(data: bytes) -> str | None:
    """What a file that is not text is ("UTF-16 text", "a gzip-compressed file", …), else None."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    return "a binary file" if b"\x00" in data[:MiB] else None


def parse_toml(text: str, source: str, error: type[InputError] = InputError) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(source, "", f"not valid TOML ({exc})", "correct the TOML syntax at that line") from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise error(source, "", "not valid TOML (arrays or tables nested too deeply)",
                    "write the values flat, as the README's examples do") from None


def parse_json(text: str, source: str, field: str, error: type[InputError] = InputError,
               depth: int = JSON_DEPTH) -> Any:
    """JSON without NaN/Infinity, nested at most `depth` deep; one clear `error` otherwise."""
    try:
        return json_value(text, depth)
    except ValueError as exc:
        raise error(source, field, f"is not valid JSON ({exc})", "write it again with runcal") from None


def json_value(text: str, depth: int = JSON_DEPTH) -> Any:
    """JSON without NaN/Infinity, nested at most `depth` deep; ValueError otherwise."""
    def no_constant(name: str) -> Any:
        raise ValueError(f"{name} is not a number JSON allows")

    try:
        value = json.loads(text, parse_constant=no_constant)  # ValueError also for ints of 4300+ digits
    except RecursionError:
        raise ValueError("nested too deeply") from None
    if _depth(value) > depth:
        raise ValueError(f"nested more than {depth} deep")
    return value


def _depth(value: Any) -> int:
    """Nesting depth of lists and dicts, without recursion."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        item, level = todo.pop()
        if isinstance(item, (list, dict)):
            deepest = max(deepest, level)
            todo += [(v, level + 1) for v in (item.values() if isinstance(item, dict) else item)]
    return deepest


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks, size = [], 0
    while size < limit:
        chunk = os.read(fd, min(MiB, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _too_large(name: str, limit: int, error: type[InputError]) -> InputError:
    return error(name, "", f"is larger than {format_size(limit)}, more than runcal reads from such a file",
                 "give the file itself, not a larger export (see README: Input contract)")


def format_size(size: int) -> str:
    return f"{size // MiB} MiB" if size >= MiB else f"{size // 1024} KiB"


def _kind_of(mode: int) -> str:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a plain file"
