"""Authors edit, withdraw and delete the files of their own posts (pending or published), with
audit entries; others' posts are refused; an approved public post edited goes back to review."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from audit.labels import action_label
from audit.models import AuditEntry
from network.models import Attachment, Notice
from network.services import board
from network.tests.helpers import actor
from tsunagari.lib.testing import BaseTestCase, make_member

PDF = b"%PDF-1.7\n%\xe2\xe3\n"


class AuthoringTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.member_user = self.users[Role.MEMBER_STAFF]
        with scope(platform=self.platform):
            self.staff = actor(self.admin, self.platform)
            self.member = actor(self.member_user, self.platform)
            self.other = make_member(self.platform, "株式会社徳島不動産")
            self.mine = board.do_post_notice(
                self.member,
                kind="activity",
                title="子ども食堂まつり",
                body="どなたでも",
                author=self.member_org,
                audience="public",
                uploads=[SimpleUploadedFile("ちらし.pdf", PDF)],
            )
            self.theirs = board.do_post_notice(
                self.staff, kind="activity", title="他団体の催し", body="本文", author=self.other
            )

    def edit(self, notice: Notice, **data: object) -> object:
        base = {"kind": "activity", "audience": "public", "title": notice.title, "body": notice.body}
        return self.client.post(self.url("network:edit_notice", notice.uuid), {**base, **data})

    def actions(self) -> list[str]:
        with scopes_disabled():
            return list(
                AuditEntry.objects.filter(action__startswith="network.").values_list("action", flat=True)
            )

    def test_the_author_edits_a_pending_post_and_it_stays_pending(self) -> None:
        self.login(self.member_user)
        page = self.client.get(self.url("network:notice", self.mine.uuid))
        self.assertContains(page, self.url("network:edit_notice", self.mine.uuid))
        self.assertContains(page, "未検査")  # no scanner configured: said, never hidden
        form = self.client.get(self.url("network:edit_notice", self.mine.uuid))
        self.assertContains(form, "子ども食堂まつり")
        response = self.edit(
            self.mine, body="雨天決行", attachments=[SimpleUploadedFile("地図.pdf", PDF, "application/pdf")]
        )
        self.assertRedirects(response, self.url("network:notice", self.mine.uuid))
        with scopes_disabled():
            self.mine.refresh_from_db()
            self.assertEqual(self.mine.attachments.count(), 2)
            entry = AuditEntry.objects.get(action="network.notice_updated")
        self.assertEqual((self.mine.body, self.mine.public_requested), ("雨天決行", True))
        self.assertEqual(entry.data, {"fields": ["body"], "files": 1, "reapproval": False})
        self.assertEqual(action_label("network.notice_updated"), "掲示の変更")

    def test_an_approved_public_post_edited_by_its_author_waits_for_approval_again(self) -> None:
        with scope(platform=self.platform):
            board.do_decide_public(self.staff, self.mine, approve=True)
        self.client.logout()
        self.assertContains(self.client.get(self.url("network:public")), "子ども食堂まつり")
        self.login(self.member_user)
        response = self.edit(self.mine, title="子ども食堂まつり（会場変更）")
        self.assertRedirects(response, self.url("network:notice", self.mine.uuid))
        with scopes_disabled():
            self.mine.refresh_from_db()
            entry = AuditEntry.objects.get(action="network.notice_updated")
        self.assertEqual((self.mine.audience, self.mine.public_requested), ("members", True))
        self.assertTrue(entry.data["reapproval"])
        self.client.logout()
        self.assertNotContains(self.client.get(self.url("network:public")), "会場変更")
        self.login(self.admin)
        self.assertContains(self.client.get(self.url("network:index")), "子ども食堂まつり（会場変更）")
        self.client.post(self.url("network:decide_public", self.mine.uuid), {"decision": "approve"})
        self.client.logout()
        self.assertContains(self.client.get(self.url("network:public")), "会場変更")

    def test_nothing_changed_is_refused_and_a_bad_edit_writes_nothing(self) -> None:
        self.login(self.member_user)
        self.assertContains(self.edit(self.mine), "変更された項目がありません。")
        response = self.edit(
            self.mine, title="", attachments=[SimpleUploadedFile("x.pdf", b"MZ\x90\x00" + b"\x00" * 40)]
        )
        self.assertContains(response, "入力内容を確認してください。")
        with scopes_disabled():
            self.mine.refresh_from_db()
            self.assertEqual((self.mine.title, self.mine.attachments.count()), ("子ども食堂まつり", 1))
        self.assertNotIn("network.notice_updated", self.actions())

    def test_a_member_cannot_edit_withdraw_or_delete_files_of_another_members_post(self) -> None:
        with scope(platform=self.platform):
            theirs_file = board.do_post_notice(
                self.staff,
                kind="notice",
                title="事務局の掲示",
                body="本文",
                uploads=[SimpleUploadedFile("要項.pdf", PDF)],
            ).attachments.get()
        self.login(self.member_user)
        self.assertNotContains(
            self.client.get(self.url("network:notice", self.theirs.uuid)),
            self.url("network:edit_notice", self.theirs.uuid),
        )
        self.assertEqual(self.client.get(self.url("network:edit_notice", self.theirs.uuid)).status_code, 403)
        self.assertEqual(self.edit(self.theirs, title="乗っ取り").status_code, 403)
        self.assertEqual(
            self.client.post(self.url("network:withdraw_notice", self.theirs.uuid)).status_code, 403
        )
        self.assertEqual(
            self.client.post(self.url("network:delete_attachment", theirs_file.uuid)).status_code, 403
        )
        with scopes_disabled():
            self.theirs.refresh_from_db()
            self.assertEqual((self.theirs.title, self.theirs.withdrawn_at), ("他団体の催し", None))
            self.assertTrue(Attachment.objects.filter(pk=theirs_file.pk).exists())
        with scope(platform=self.platform):  # the services refuse too, whoever calls them
            with self.assertRaises(PermissionDenied):
                board.do_withdraw_notice(self.member, self.theirs, member=self.member_org)
            with self.assertRaises(PermissionDenied):
                board.do_update_notice(
                    self.member, self.theirs, member=self.member_org, kind="activity", title="x", body="x"
                )

    def test_the_author_deletes_a_file_and_withdraws_the_post(self) -> None:
        with scopes_disabled():
            flyer = self.mine.attachments.get()
        self.login(self.member_user)
        response = self.client.post(self.url("network:delete_attachment", flyer.uuid), {"next": "edit"})
        self.assertRedirects(response, self.url("network:edit_notice", self.mine.uuid))
        with scopes_disabled():
            self.assertFalse(Attachment.objects.filter(pk=flyer.pk).exists())
            deleted = AuditEntry.objects.get(action="network.attachment_deleted")
        self.assertEqual(deleted.data["filename"], "ちらし.pdf")
        self.assertEqual(len(deleted.data["sha256"]), 64)
        response = self.client.post(self.url("network:withdraw_notice", self.mine.uuid))
        self.assertRedirects(response, self.url("network:index"))
        self.assertNotContains(self.client.get(self.url("network:index")), "子ども食堂まつり")
        self.assertEqual(self.client.get(self.url("network:notice", self.mine.uuid)).status_code, 404)
        with scopes_disabled():
            self.mine.refresh_from_db()
        self.assertIsNotNone(self.mine.withdrawn_at)
        self.assertFalse(self.mine.public_requested)  # off the secretariat's list of requests
        self.assertIn("network.notice_withdrawn", self.actions())
        with scope(platform=self.platform), self.assertRaises(ValidationError):
            board.do_withdraw_notice(self.member, self.mine, member=self.member_org)
        # the secretariat still reads it, marked
        self.login(self.admin)
        self.assertContains(self.client.get(self.url("network:notice", self.mine.uuid)), "取り下げ済み")

    def test_the_secretariat_edits_any_post_directly(self) -> None:
        self.login(self.admin)
        self.assertContains(
            self.client.get(self.url("network:notice", self.theirs.uuid)),
            self.url("network:edit_notice", self.theirs.uuid),
        )
        self.edit(self.theirs, title="他団体の催し（訂正）", audience="members")
        with scopes_disabled():
            self.theirs.refresh_from_db()
        self.assertEqual(self.theirs.title, "他団体の催し（訂正）")
