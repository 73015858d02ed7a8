"""Real elapsed time: local wall-clock moments of the runner's zone as minutes since the plan's epoch.

Every gap rule (R3, R4) compares these numbers, so a daylight-saving day is 23 or 25 hours long.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

UTC = dt.timezone.utc


@dataclass(frozen=True)
class Timeline:
    zone: ZoneInfo
    epoch: dt.datetime  # plan start, local midnight, in UTC

    @classmethod
    def starting(cls, first_day: dt.date, zone_name: str) -> "Timeline":
        zone = ZoneInfo(zone_name)
        midnight = dt.datetime.combine(first_day, dt.time(0), zone)
        return cls(zone, midnight.astimezone(UTC))

    def local(self, day: dt.date, minute: int) -> dt.datetime | None:
        """The zone-aware moment `minute` after local midnight of `day`, or None when the wall-clock
        time does not exist (spring-forward gap) or happens twice (fall-back fold): no session starts
        at an ambiguous time."""
        naive = dt.datetime.combine(day, dt.time(0)) + dt.timedelta(minutes=minute)
        early = naive.replace(tzinfo=self.zone, fold=0)
        late = naive.replace(tzinfo=self.zone, fold=1)
        if early.utcoffset() != late.utcoffset():
            return None
        if early.astimezone(UTC).astimezone(self.zone).replace(tzinfo=None) != naive:
            return None
        return early

    def plain_day(self, day: dt.date) -> int | None:
        """Elapsed minutes at local midnight of `day` when the day is exactly 24 h long (no
        daylight-saving change in it), so that its wall-clock minute m is that plus m; else None."""
        return _plain_day(self, day)

    def minutes(self, moment: dt.datetime) -> int:
        return int((moment.astimezone(UTC) - self.epoch).total_seconds() // 60)

    def moment(self, minutes: int) -> dt.datetime:
        return (self.epoch + dt.timedelta(minutes=minutes)).astimezone(self.zone)

    def day_end(self, day: dt.date, minute: int) -> int | None:
        """Elapsed minutes of a window's end on `day` (24:00 means the next local midnight)."""
        if minute >= 24 * 60:
            moment = self.local(day + dt.timedelta(days=1), minute - 24 * 60)
        else:
            moment = self.local(day, minute)
        return None if moment is None else self.minutes(moment)


@functools.lru_cache(maxsize=1 << 14)
def _plain_day(timeline: Timeline, day: dt.date) -> int | None:
    # Asked for every day by options, pruning, rules and periodization, and again for each variant
    # a readiness offer plans (a Timeline is a value: equal timelines share the entries).
    start, end = timeline.local(day, 0), timeline.local(day + dt.timedelta(days=1), 0)
    if start is None or end is None or timeline.minutes(end) - timeline.minutes(start) != 24 * 60:
        return None
    return timeline.minutes(start)
