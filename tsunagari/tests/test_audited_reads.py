"""Opening personal data is audited (issue 16): an application to join (representative, contact
person, address) and a survey's organisation tracking (which organisation answered what)."""

from __future__ import annotations

from django_scopes import scopes_disabled

from accounts.models import Role
from audit.models import AuditEntry
from platforms.tests.test_url_matrix import _application
from surveys.tests import matrix as survey_matrix
from tsunagari.lib.testing import BaseTestCase


class AuditedReadsTestCase(BaseTestCase):
    def test_it_audits_opening_an_application(self) -> None:
        with scopes_disabled():
            application = _application(self.platform)
        client = self.login(self.users[Role.SECRETARIAT_STAFF])
        self.assertEqual(client.get(self.url("partnership:application", application.uuid)).status_code, 200)
        entry = AuditEntry.objects.get(action=AuditEntry.READ_SENSITIVE, object_id=str(application.uuid))
        self.assertEqual((entry.actor, entry.platform), (self.users[Role.SECRETARIAT_STAFF], self.platform))
        self.assertEqual(entry.data, {"what": "application"})

    def test_it_audits_opening_a_surveys_organisation_tracking(self) -> None:
        with scopes_disabled():
            survey = survey_matrix.objects(self.platform, self.member_org)["surveys:organisations"]
        client = self.login(self.admin)
        self.assertEqual(client.get(self.url("surveys:organisations", survey.uuid)).status_code, 200)
        entry = AuditEntry.objects.get(action=AuditEntry.READ_SENSITIVE, object_id=str(survey.uuid))
        self.assertEqual(entry.data, {"what": "organisation_tracking"})
        self.assertEqual(entry.platform, self.platform)
