"""Write iCalendar (RFC 5545) text: escaped values, CRLF lines folded at 75 octets."""

import datetime
from collections.abc import Iterable

from django.utils import timezone

from timetable.selectors import FeedEvent


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    raw = line.encode()
    if len(raw) <= 75:
        return line
    parts: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += encoded
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def render(events: Iterable[FeedEvent], now: datetime.datetime | None = None) -> str:
    now = now or timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Overgang//Timetable//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Overgang",
    ]
    for event in events:
        lines += ["BEGIN:VEVENT", f"UID:{_escape(event.uid)}", f"DTSTAMP:{_utc(now)}"]
        if event.starts_at is not None:
            lines.append(f"DTSTART:{_utc(event.starts_at)}")
            lines.append(f"DTEND:{_utc(event.starts_at + datetime.timedelta(minutes=event.minutes))}")
        elif event.date is not None:
            lines.append(f"DTSTART;VALUE=DATE:{event.date:%Y%m%d}")
            lines.append(f"DTEND;VALUE=DATE:{event.date + datetime.timedelta(days=1):%Y%m%d}")
        else:
            raise ValueError(f"the event {event.uid} has neither a date nor a start")
        lines += [f"SUMMARY:{_escape(event.summary)}", "CLASS:PRIVATE", "TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
