"""Times and intervals shared by the exports: the run's calendar epoch and radar uptime.

A scenario counts seconds from its start; viewers need calendar times. The epoch is an
option (``--start``), fixed by default so that the same run exports the same file.
"""

from __future__ import annotations

import datetime as dt

from iadsim.interfaces.exports.run_folder import ExportError, RunFolder

#: The default calendar time of scenario second 0 (UTC).
DEFAULT_START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def parse_start(text: str | None) -> dt.datetime:
    """``--start``: an ISO 8601 time, UTC when no offset is given; the default when None."""
    if text is None:
        return DEFAULT_START
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ExportError(f"--start: expected an ISO 8601 time such as "
                          f"2026-01-01T00:00:00Z, got {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def at(start: dt.datetime, time_s: float) -> dt.datetime:
    """The calendar time of scenario second ``time_s``."""
    return start + dt.timedelta(seconds=float(time_s))


def iso(moment: dt.datetime) -> str:
    """``2026-01-01T00:05:00.250Z`` (UTC, milliseconds)."""
    utc = moment.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def radar_up_intervals(run: RunFolder, sensor: str) -> list[tuple[float, float]]:
    """When a radar was up over the run: ``[(start_s, end_s), ...]``, the run from 0 to
    its end less the radar's outages (``outage_start``/``outage_end`` in the log, which
    include ``radar_down`` faults)."""
    events = run.events
    mine = events[(events["sensor"].astype(object) == sensor)
                  & events["kind"].isin(["outage_start", "outage_end"])]
    intervals, up_since, depth = [], 0.0, 0
    for row in mine.itertuples(index=False):
        if row.kind == "outage_start":
            if depth == 0 and row.time_s > up_since:
                intervals.append((up_since, float(row.time_s)))
            depth += 1
        else:
            depth = max(depth - 1, 0)
            if depth == 0:
                up_since = float(row.time_s)
    if depth == 0 and run.ended_s > up_since:
        intervals.append((up_since, run.ended_s))
    return intervals
