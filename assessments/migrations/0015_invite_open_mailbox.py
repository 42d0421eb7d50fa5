"""One open invite per mailbox (issue 24): an open invite holds its mailbox in `open_mailbox`, unique when set.

Invites still open now take their mailbox, the newest of several to one mailbox first; older ones to the same mailbox
stay usable by their link but hold nothing (their sign-up still refuses a mailbox that has an account). The rule is
written out here, not read from assessments/core/mailboxes.py, because the code's may change again.
"""

from django.db import migrations, models
from django.utils import timezone

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _mailbox(address):
    local, _at, domain = address.strip().translate(_ASCII_LOWER).rpartition("@")
    return f"{local.partition('+')[0]}@{domain}"


def forward(apps, schema_editor):
    Invite = apps.get_model("assessments", "Invite")
    held = set()
    open_now = Invite.objects.filter(used_at__isnull=True, expires_at__gt=timezone.now()).exclude(email="")
    for invite in open_now.order_by("-created_at", "-pk").only("pk", "email"):
        mailbox = _mailbox(invite.email)
        if mailbox not in held:
            held.add(mailbox)
            Invite.objects.filter(pk=invite.pk).update(open_mailbox=mailbox)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0014_admin_audit_events")]

    operations = [
        migrations.AddField(
            model_name="invite",
            name="open_mailbox",
            field=models.CharField(blank=True, default="", editable=False, max_length=254),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="invite",
            constraint=models.UniqueConstraint(
                condition=models.Q(("open_mailbox", ""), _negated=True),
                fields=("open_mailbox",),
                name="invite_one_open_per_mailbox",
            ),
        ),
    ]
