"""Figures-ready emails to leads: sent when a period is published and there is something they can see.

A team lead is emailed only when at least one team they lead has a figure shown for the period; a service lead when
the service or one of its teams has. A lead whose teams are all withheld gets nothing: an email that leads to an
empty page is noise, and says the team was small. The email says that figures are ready and where, never what they
are. At most one a week per lead, never one that was turned off, and each is claimed (lead + period) before it is
sent, so a second run, or a second server, sends nothing twice (the command also takes a job lock).

The unsubscribe link is signed, names only the lead, and works without signing in: it opens a page whose one button
turns the emails off (opening it changes nothing, as mail scanners open links); the lead's email settings page
turns them back on. There is no RFC 8058 one-click POST: it would need the one form in the app without a CSRF token.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.core.periods import Period
from assessments.figures.summaries import PublishedTeam, ServiceFigures
from assessments.mail.outbox import email_queue
from assessments.models.figures import PublishedPeriod
from assessments.models.nudges import LeadEmailSetting, LeadNudgeSent
from assessments.models.organisation import Membership, Role, Service, ServiceLead

AT_MOST_EVERY = timedelta(days=7)
UNSUBSCRIBE_SALT = "leads.nudges.unsubscribe"


@dataclass(frozen=True)
class DueNudge:
    user_id: int
    email: str
    first_name: str


def _cells_with_figures(service: Service, period: Period, stored: dict) -> set[int | None]:
    """The teams (and None for the whole service) with at least one figure shown in this published period."""
    if stored.get("expired"):
        return set()
    teams = [PublishedTeam(pk, name) for pk, name in stored["teams"]]
    figures = ServiceFigures(service=service, teams=teams, periods=[period], published={period: stored})
    shown = {t.pk for t in teams if figures.cell(t.pk, period).shows_any}
    return shown | ({None} if figures.cell(None, period).shows_any else set())


def leads_with_figures(period: Period) -> set[int]:
    """Everyone who leads a team, or a service, with figures to see in this period, if it is published (3 queries
    and one per published service)."""
    shown_teams: set[int] = set()
    shown_services: set[int] = set()
    for row in PublishedPeriod.objects.filter(kind=period.kind, period_start=period.start).select_related("service"):
        cells = _cells_with_figures(row.service, period, row.figures)
        shown_teams |= {pk for pk in cells if pk is not None}
        if cells:
            shown_services.add(row.service_id)
    team_leads = Membership.objects.filter(role=Role.LEAD, team_id__in=shown_teams).values_list("user_id", flat=True)
    service_leads = ServiceLead.objects.filter(service_id__in=shown_services).values_list("user_id", flat=True)
    return set(team_leads) | set(service_leads)


def nudges_due(period: Period, now: datetime) -> list[DueNudge]:
    """Leads with figures to see, an email address and the emails on, not yet told of this period, and not emailed
    in the last week."""
    leads = leads_with_figures(period)
    if not leads:
        return []
    turned_off = LeadEmailSetting.objects.filter(user_id__in=leads, figures_ready=False).values_list("user_id")
    told = LeadNudgeSent.objects.filter(
        Q(period_kind=period.kind, period_start=period.start) | Q(sent_at__gt=now - AT_MOST_EVERY), user_id__in=leads
    ).values_list("user_id")
    users = (
        get_user_model()
        .objects.filter(pk__in=leads, is_active=True)
        .exclude(email="")
        .exclude(pk__in=turned_off)
        .exclude(pk__in=told)
        .order_by("pk")
    )
    return [DueNudge(u.pk, u.email, u.first_name) for u in users]


def unsubscribe_token(user_id: int) -> str:
    """A signed token naming the lead, for the one-click link: it turns the emails off and can do nothing else."""
    return signing.dumps(user_id, salt=UNSUBSCRIBE_SALT)


def unsubscribe_user(token: str) -> User | None:
    """The lead a token names, or None for a token that was not signed here (or whose account is gone)."""
    try:
        user_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return get_user_model().objects.filter(pk=user_id).first() if isinstance(user_id, int) else None


def figures_ready_set(*, user: User, on: bool) -> LeadEmailSetting:
    """Turn a lead's figures-ready emails on or off."""
    setting, _created = LeadEmailSetting.objects.update_or_create(
        user=user, defaults={"figures_ready": on, "changed_at": timezone.now()}
    )
    return setting


def figures_ready_wanted(user: User) -> bool:
    return not LeadEmailSetting.objects.filter(user=user, figures_ready=False).exists()


def nudge_queue(nudge: DueNudge, period: Period) -> None:
    """That figures are ready, and where: nothing about any figure, team or person."""
    site = settings.SITE_URL.rstrip("/")
    stop = site + reverse("leads:email_stop", args=[unsubscribe_token(nudge.user_id)])
    email_queue(
        to=nudge.email,
        subject=_("New team figures are ready to read"),
        template="figures_ready",
        context={
            "name": nudge.first_name or _("there"),
            "period": period.label,
            "link": site + reverse("site:home"),
            "stop": stop,
            "settings_link": site + reverse("leads:email_settings"),
        },
        headers={"List-Unsubscribe": f"<{stop}>"},
    )


def nudges_send(*, period: Period, now: datetime) -> int:
    """Email every lead who is due, claiming each (lead + period) first. Returns how many were sent."""
    sent = 0
    for nudge in nudges_due(period, now):
        try:
            with transaction.atomic():
                LeadNudgeSent.objects.create(
                    user_id=nudge.user_id, period_kind=period.kind, period_start=period.start, sent_at=now
                )
                nudge_queue(nudge, period)
        except IntegrityError:
            continue  # another run got there first
        sent += 1
    return sent
