"""What a re-plan changed, from the two plan files alone: sessions paired by UID (a re-plan keeps
them), then moved (the start differs), resized (same start, another length: not a move, as the
re-plan's own diff says), dropped (cancelled now, with X-RUNCAL-DROPPED's reason), added (new
UIDs, e.g. R9 rehab) or unchanged."""

from __future__ import annotations

from dataclasses import dataclass

from ..check import Entry, PlanFile
from .weeks import Block


@dataclass(frozen=True)
class Diff:
    changes: dict[int, Block]  # id(entry of the new plan) -> its block with `change` set
    ghosts: tuple[Block, ...]  # where moved sessions were
    moved: tuple[tuple[Entry, Entry], ...]  # (before, after)
    dropped: tuple[Entry, ...]  # cancelled by this re-plan (new plan's entries)
    added: tuple[Entry, ...]
    removed: tuple[Entry, ...]  # in the plan before, in no form in the new one
    unchanged: int
    resized: tuple[tuple[Entry, Entry], ...] = ()  # (before, after): same start, new length

    def counts(self) -> dict[str, int]:
        return {"moved": len(self.moved), "resized": len(self.resized), "dropped": len(self.dropped),
                "added": len(self.added), "removed": len(self.removed), "unchanged": self.unchanged}


def _key(e: Entry) -> str:
    return e.prop("UID") or f"{e.prop('SUMMARY')}|{e.start.isoformat()}"


def compare(new: PlanFile, old: PlanFile) -> Diff:
    before_active = {_key(e): e for e in old.sessions}
    before_cancelled = {_key(e): e for e in old.cancelled}
    changes: dict[int, Block] = {}
    ghosts, moved, resized, dropped, added = [], [], [], [], []
    unchanged = 0
    for e in new.sessions:
        was = before_active.get(_key(e))
        if was is None:
            changes[id(e)] = Block("", e, change="added")
            added.append(e)
        elif was.start == e.start and was.end != e.end:
            changes[id(e)] = Block("", e, change="resized", before=was)
            resized.append((was, e))
        elif was.start != e.start:
            changes[id(e)] = Block("", e, change="moved", before=was)
            ghosts.append(Block("", was, change="moved", before=e))  # `before` of a ghost: where it went
            moved.append((was, e))
        else:
            changes[id(e)] = Block("", e, change="unchanged")
            unchanged += 1
    for e in new.cancelled:
        if _key(e) in before_active:
            changes[id(e)] = Block("", e, True, change="dropped")
            dropped.append(e)
        else:
            changes[id(e)] = Block("", e, True, change="dropped earlier" if _key(e) in before_cancelled else "added")
    kept = {_key(e) for e in (*new.sessions, *new.cancelled)}
    removed = tuple(e for k, e in before_active.items() if k not in kept)
    ghosts += [Block("", e, change="removed") for e in removed]
    return Diff(changes, tuple(ghosts), tuple(moved), tuple(dropped), tuple(added), removed, unchanged,
                tuple(resized))
