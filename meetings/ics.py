"""Write one meeting as an iCalendar file (RFC 5545) by hand: one VEVENT, UTC times.

The event carries the kind of meeting, the case code, the place or video link and a
link back to the meeting page, never the person's name or anything from the needs:
calendar files travel to phones and cloud calendars outside the system.
"""

import datetime

from django.utils import timezone

from meetings.models import Meeting

PRODID = "-//Overgang//Meetings//EN"


def escape(text: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and newlines (RFC 5545 §3.3.11)."""
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets, continuing with a space (RFC 5545 §3.1), never inside a character."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, current, limit = [], b"", 75
    for char in line:
        piece = char.encode()
        if len(current) + len(piece) > limit:
            parts.append(current.decode())
            current, limit = b"", 74  # continuation lines start with a space
        current += piece
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def meeting_ics(meeting: Meeting, *, summary: str, url: str, host: str) -> str:
    """Return the meeting as a complete VCALENDAR text with CRLF line ends."""
    start = meeting.starts_at
    end = start + datetime.timedelta(minutes=meeting.duration_minutes)
    location = meeting.place or meeting.video_link
    description = url if not meeting.video_link else f"{meeting.video_link}\n{url}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.pk}@{host}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(start)}",
        f"DTEND:{_utc(end)}",
        f"SEQUENCE:{meeting.version - 1}",
        f"SUMMARY:{escape(summary)}",
        f"LOCATION:{escape(location)}",
        f"DESCRIPTION:{escape(description)}",
        f"URL:{url}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(fold(line) for line in lines) + "\r\n"
