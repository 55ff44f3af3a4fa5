"""tsunagari.lib.review: one reviewed-change mechanism for 変更届 and service proposals."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from directory.models import Organization, Service, ServiceChange
from partnership.models import ChangeRequest
from tsunagari.lib.review import ReviewedChange, pending_for_decision
from tsunagari.lib.testing import BaseTestCase


class ReviewedChangeTest(BaseTestCase):
    def test_it_is_the_one_mechanism_of_member_changes_and_service_proposals(self) -> None:
        for model in (ChangeRequest, ServiceChange):
            self.assertTrue(issubclass(model, ReviewedChange), model)
            self.assertEqual(model._meta.get_field("status").default, "pending")
            self.assertIn("pending", model.Status.values)

    def test_it_decides_once_and_refuses_a_second_decision(self) -> None:
        with scopes_disabled():
            org = Organization.objects.create(platform=self.platform, name="窓口の運営団体")
            service = Service.objects.create(platform=self.platform, organization=org, name="相談窓口")
            cases = [
                ChangeRequest.objects.create(
                    platform=self.platform, organisation=self.member_org, changes={"phone": "058-111-2222"}
                ),
                ServiceChange.objects.create(platform=self.platform, service=service, changes={"name": "新"}),
            ]
            for change in cases:
                with self.subTest(model=type(change).__name__):
                    self.assertTrue(change.is_pending)
                    locked = pending_for_decision(change, "処理済みです")
                    locked.decide(
                        type(change).Status.REJECTED, by=self.admin, reason="電話番号の桁が足りません"
                    )
                    change.refresh_from_db()
                    self.assertFalse(change.is_pending)
                    self.assertEqual(change.status, "rejected")
                    self.assertEqual(change.decided_by, self.admin)
                    self.assertIsNotNone(change.decided_at)
                    self.assertEqual(change.decision_reason, "電話番号の桁が足りません")
                    self.assertEqual(change.changes, cases[cases.index(change)].changes)
                    with self.assertRaisesMessage(ValidationError, "処理済みです"):
                        pending_for_decision(change, "処理済みです")
