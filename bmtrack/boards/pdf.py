"""The meeting packet as an A4 PDF (WeasyPrint): a cover with the agenda, then one page per case.

The HTML is the same case summary the web packet shows (``templates/boards/_case_summary.html``);
the page rules (A4, running header with the board and the patient, page numbers, a page break
before each case) live in ``static/css/boards.css``, read from disk. The renderer may fetch nothing
but ``data:`` URIs: a packet never reaches out to the network or the file system.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from bmtrack.boards.models import Meeting
from bmtrack.boards.summary import CaseSummary

STYLESHEET = "css/boards.css"


def packet_context(meeting: Meeting, summaries: list[CaseSummary], generated_at: dt.datetime) -> dict:
    return {
        "meeting": meeting,
        "summaries": summaries,
        "attendees": list(meeting.attendees.all()),
        "generated_at": generated_at,
    }


def render_packet_pdf(meeting: Meeting, summaries: list[CaseSummary], *, generated_at: dt.datetime) -> bytes:
    # Imported here, not at module level: importing WeasyPrint parses its user-agent stylesheets
    # (about a second, with INFO logs), which every web, worker and beat process would pay at start.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string("boards/packet_print.html", packet_context(meeting, summaries, generated_at))
    fetcher = URLFetcher(allowed_protocols={"data"})
    stylesheet = CSS(filename=finders.find(STYLESHEET), url_fetcher=fetcher)
    document = HTML(string=html, url_fetcher=fetcher, media_type="print")
    return document.write_pdf(stylesheets=[stylesheet])
