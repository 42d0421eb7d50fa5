"""What a lead reads: every summary page and CSV, and one chart out of a page."""

from __future__ import annotations

import re

from django.urls import reverse

from assessments.core.periods import latest_shown_period
from assessments.models import Team
from tests.clients import BrowserClient

CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def lead_reads(lead, teams: list[Team], services: list, months: int = 14, exports=("export",)) -> dict[str, bytes]:
    """Every summary page and CSV the lead can open for the last `months` periods, as the bytes they got: for each
    page, the CSVs named in `exports` ("export", "statements_export", "obstacles_export").

    The lead signs in afresh (sessions end after 30 idle minutes, and the attacks take weeks). The per-request
    CSRF token in the sign-out form is the only thing taken out: it is not a figure.
    """
    client = BrowserClient()
    client.force_login(lead)
    period = latest_shown_period()
    keys = []
    for _ in range(months):
        keys.append(period.key)
        period = period.previous()
    urls = [reverse("leads:summary_index")]
    for key in keys:
        for scope, objects in (("team", teams), ("service", services)):
            for obj in objects:
                urls += [reverse(f"leads:{scope}_summary", args=[obj.pk, key])]
                urls += [reverse(f"leads:{scope}_summary_{export}", args=[obj.pk, key]) for export in exports]
    reads = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        reads[url] = CSRF_TOKEN.sub("", response.content.decode()).encode()
    return reads


def chart_svg(html: str, chart_id: str) -> str:
    """The one line chart on a page whose title has the id `<chart_id>-title` (templatetags/charts.py writes it)."""
    charts = re.findall(r"<svg\b.*?</svg>", html, flags=re.DOTALL)
    found = [svg for svg in charts if f'aria-labelledby="{chart_id}-title"' in svg]
    assert len(found) == 1, (chart_id, len(found))
    return found[0]
