"""Times as people read them: the store keeps ISO 8601 UTC, messages show local time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def local(iso: str, zone: str | None = None) -> str:
    """``2026-11-25T09:34:57.488Z`` -> ``25 Nov 2026, 10:34`` in ``zone`` (an IANA name such as
    the browser reports), else in this machine's time zone; the text as it is if unparseable."""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    try:
        shown = moment.astimezone(ZoneInfo(zone)) if zone else moment.astimezone()
    except (ZoneInfoNotFoundError, ValueError):
        shown = moment.astimezone()
    return f"{shown.day} {shown:%b %Y, %H:%M}"
