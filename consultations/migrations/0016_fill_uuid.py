# Step 2 of adding a unique uuid to existing rows (Django's "migrations that add unique fields"),
# and the creation time of existing rows where a field of theirs tells it.

import uuid

from django.db import migrations
from django.db.models import F

# The models whose uuid column was added nullable in 0015_tenant_model.
NEW_UUID = (
    "casecontact",
    "caseentry",
    "caseparticipant",
    "conferenceattendee",
    "conversationrecord",
    "conversationtopic",
    "eventdrain",
    "inboundevent",
    "linkclickday",
    "readmarker",
    "referralevent",
)
# model -> the field that says when an existing row came to be (0015 gave them the migration's time).
CREATED_FROM = {
    "consulter": "first_contact_at",
    "conversation": "opened_at",
    "inboundevent": "received_at",
    "consent": "recorded_at",
    "memberconsent": "recorded_at",
    "referralevent": "at",
    "case": "opened_at",
    "caseparticipant": "invited_at",
    "caseguest": "invited_at",
    "caseconference": "recorded_at",
    # Only the last change is known: the earliest time the row is known to have existed.
    "channel": "updated_at",
    "conversationrecord": "updated_at",
    "cannedreply": "updated_at",
}
BATCH = 1000


def fill(apps, schema_editor):
    for name in NEW_UUID:
        manager = apps.get_model("consultations", name)._base_manager
        pks = list(manager.filter(uuid__isnull=True).values_list("pk", flat=True))
        for start in range(0, len(pks), BATCH):
            rows = [manager.model(pk=pk, uuid=uuid.uuid4()) for pk in pks[start : start + BATCH]]
            manager.bulk_update(rows, ["uuid"])
    for name, field in CREATED_FROM.items():
        apps.get_model("consultations", name)._base_manager.update(created_at=F(field))


class Migration(migrations.Migration):
    dependencies = [("consultations", "0015_tenant_model")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
