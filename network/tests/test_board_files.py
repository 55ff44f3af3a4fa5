"""Board posts with comments and files through the pages: uploads checked before anything is
stored, downloads through lib.downloads for those who may read the post, and members' public
posts approved by the secretariat before they reach the public board."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from audit.models import AuditEntry
from network.models import Attachment, Comment, Notice
from network.services import board
from network.tests.helpers import actor
from network.tests.test_files import xlsx
from tsunagari.lib.testing import BaseTestCase

PROGRAM = b"MZ\x90\x00" + b"\x00" * 300


class BoardFilesTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.member_user = self.users[Role.MEMBER_STAFF]
        with scope(platform=self.platform):
            self.staff = actor(self.admin, self.platform)
            self.notice = board.do_post_notice(
                self.staff, kind="notice", title="情報交換会のご案内", body="会員限定", topic="ケーススタディ"
            )

    def post(self, **data: object) -> object:
        base = {"kind": "activity", "audience": "members", "title": "子ども食堂まつり", "body": "どなたでも"}
        return self.client.post(self.url("network:index"), {**base, **data})

    def test_it_stores_a_members_post_with_its_files_and_serves_them_to_members_only(self) -> None:
        self.login(self.member_user)
        response = self.post(
            attachments=[
                SimpleUploadedFile("名簿.xlsx", xlsx(), "application/octet-stream"),
                SimpleUploadedFile("ちらし.pdf", b"%PDF-1.7\n%\xe2\xe3\n", "application/pdf"),
            ]
        )
        self.assertRedirects(response, self.url("network:index"))
        with scopes_disabled():
            notice = Notice.objects.get(title="子ども食堂まつり")
            files = {a.filename: a for a in notice.attachments.all()}
        self.assertEqual(sorted(files), ["ちらし.pdf", "名簿.xlsx"])
        # the browser said octet-stream; the stored type is what the content is
        self.assertEqual(
            files["名簿.xlsx"].content_type,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        page = self.client.get(self.url("network:notice", notice.uuid))
        self.assertContains(page, self.url("network:attachment", files["名簿.xlsx"].uuid))
        download = self.client.get(self.url("network:attachment", files["名簿.xlsx"].uuid))
        self.assertEqual(download.content, bytes(files["名簿.xlsx"].content))
        self.assertIn("filename*=utf-8''%E5%90%8D%E7%B0%BF.xlsx", download["Content-Disposition"])
        self.assertTrue(download["Content-Disposition"].startswith("attachment;"))
        self.assertIn("no-store", download["Cache-Control"])
        self.assertEqual(download["X-Content-Type-Options"], "nosniff")
        # not for another platform's staff, not for visitors, not on the public board (members-only post)
        self.login(self.outsider)
        self.assertEqual(
            self.client.get(self.url("network:attachment", files["名簿.xlsx"].uuid)).status_code, 404
        )
        self.client.logout()
        self.assertEqual(
            self.client.get(self.url("network:attachment", files["名簿.xlsx"].uuid)).status_code, 302
        )
        self.assertEqual(
            self.client.get(self.url("network:public_attachment", files["名簿.xlsx"].uuid)).status_code, 404
        )

    def test_it_refuses_a_renamed_program_and_stores_nothing(self) -> None:
        self.login(self.member_user)
        before = AuditEntry.objects.count()
        response = self.post(
            attachments=[
                SimpleUploadedFile("ちらし.pdf", b"%PDF-1.7\n", "application/pdf"),
                SimpleUploadedFile("助成要綱.pdf", PROGRAM, "application/pdf"),
            ]
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "助成要綱.pdf: 中身が .pdf ではありません")
        with scopes_disabled():
            self.assertFalse(Notice.objects.filter(title="子ども食堂まつり").exists())
            self.assertFalse(Attachment.objects.exists())
        self.assertEqual(AuditEntry.objects.count(), before)

    def test_it_takes_comments_with_files_from_members(self) -> None:
        self.login(self.member_user)
        url = self.url("network:notice", self.notice.uuid)
        response = self.client.post(
            url,
            {
                "body": "2名で参加します。",
                "attachments": [SimpleUploadedFile("参加者.csv", "団体,人数\r\n食堂,2\r\n".encode("cp932"))],
            },
        )
        self.assertRedirects(response, url)
        page = self.client.get(url)
        self.assertContains(page, "2名で参加します。")
        self.assertContains(page, "NPO法人アルファ支援ネット")
        self.assertContains(page, "参加者.csv")
        with scopes_disabled():
            comment = Comment.objects.get()
            self.assertEqual((comment.member, comment.user), (self.member_org, self.member_user))
            self.assertEqual(comment.attachments.get().content_type, "text/csv; charset=utf-8")
        self.assertContains(self.client.post(url, {"body": "  "}), "コメントを入力してください。")
        self.login(self.outsider)
        self.assertEqual(self.client.post(url, {"body": "よそから"}).status_code, 404)
        with scopes_disabled():
            self.assertEqual(Comment.objects.count(), 1)

    def test_it_puts_a_members_public_post_on_the_public_board_only_when_the_secretariat_approves(
        self,
    ) -> None:
        self.login(self.member_user)
        self.post(audience="public", attachments=[SimpleUploadedFile("案内.txt", "親子でどうぞ".encode())])
        self.assertNotContains(self.client.get(self.url("network:public")), "子ども食堂まつり")
        with scopes_disabled():
            notice = Notice.objects.get(title="子ども食堂まつり")
            file = notice.attachments.get()
        self.assertEqual(self.client.get(self.url("network:public_attachment", file.uuid)).status_code, 404)
        # a member cannot approve its own post
        self.assertEqual(
            self.client.post(
                self.url("network:decide_public", notice.uuid), {"decision": "approve"}
            ).status_code,
            403,
        )
        self.login(self.admin)
        self.assertContains(self.client.get(self.url("network:index")), "公開の申請")
        self.client.post(self.url("network:decide_public", notice.uuid), {"decision": "approve"})
        self.client.logout()
        public = self.client.get(self.url("network:public"))
        self.assertContains(public, "子ども食堂まつり")
        download = self.client.get(self.url("network:public_attachment", file.uuid))
        self.assertEqual(download.content.decode(), "親子でどうぞ")

    def test_it_searches_the_board_across_widths_and_filters_by_topic(self) -> None:
        with scope(platform=self.platform):
            board.do_post_notice(
                self.staff, kind="notice", title="ＮＰＯ向け研修", body="ｿｳﾀﾞﾝ対応の基礎", area="阿南市"
            )
        self.login(self.member_user)
        page = self.client.get(self.url("network:index"), {"q": "npo 相談"})
        self.assertNotContains(page, "ＮＰＯ向け研修")  # 相談 (kanji) is not ソウダン
        page = self.client.get(self.url("network:index"), {"q": "npo ソウダン"})
        self.assertContains(page, "ＮＰＯ向け研修")
        self.assertNotContains(page, "情報交換会のご案内")
        page = self.client.get(self.url("network:index"), {"topic": "ケーススタディ"})
        self.assertContains(page, "情報交換会のご案内")
        self.assertNotContains(page, "ＮＰＯ向け研修")
        self.assertContains(self.client.get(self.url("network:index"), {"area": "阿南市"}), "ＮＰＯ向け研修")
