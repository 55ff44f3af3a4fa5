"""Every published service reaches the サポートリスト, also from a directory imported without categories."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from django.core.management import call_command
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from directory.models import SupportListSettings
from directory.services import support_list
from directory.tests.imported_directory import eight_categories, write_directory
from directory.tests.support_data import make_entry, term
from directory.tests.test_support_list_pdf import pages_text, section_bands, squash
from directory.tests.test_support_list_settings import form_data
from tsunagari.lib.testing import BaseTestCase


class ImportedDirectoryTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with tempfile.TemporaryDirectory() as folder:
            cls.names = write_directory(Path(folder))
            call_command("import_hsds", "alpha", folder, stdout=io.StringIO())

    def pdf_lines(self) -> list[str]:
        with scope(platform=self.platform):
            pdf = support_list.current_pdf(self.platform, "a4", render_now=True)  # as the worker does
        return "\n".join(pages_text(pdf.content, "-layout")).splitlines()

    def test_it_prints_services_without_a_category_under_other(self) -> None:
        lines = self.pdf_lines()
        text = squash("\n".join(lines))
        self.assertEqual(section_bands(lines)[-1], "その他")
        self.assertIn("その他（6件）", text)  # the contents, not eight times 0件
        for name in self.names:
            self.assertIn(squash(name), text)
        self.assertIn("0235-25-1111", text)

    def test_it_prints_them_under_the_category_the_secretariat_chose(self) -> None:
        with scopes_disabled():
            eight_categories(
                SupportListSettings.objects.create(
                    platform=self.platform, fallback_name="アルファ市役所", others_term=term("cat-relations")
                )
            )
        lines = self.pdf_lines()
        self.assertNotIn("その他", section_bands(lines))
        text = squash("\n".join(lines))
        self.assertIn("人間関係・その他（6件）", text)

    def test_it_leaves_them_out_when_told_and_the_staff_page_warns(self) -> None:
        with scopes_disabled():
            eight_categories(
                SupportListSettings.objects.create(
                    platform=self.platform, fallback_name="アルファ市役所", print_others=False
                )
            )
        text = squash("\n".join(self.pdf_lines()))
        self.assertNotIn("こころの相談ダイヤル", text)
        self.login(self.users[Role.SECRETARIAT_STAFF])
        html = self.client.get(self.url("directory:support_list_settings")).content.decode()
        self.assertIn(
            "公開中の窓口のうち6件は、掲載する分類のどれにも当てはまらないため、サポートリストに載りません。",
            html,
        )
        self.assertIn("こころの相談ダイヤル", html)

    def test_it_previews_what_will_print_on_the_staff_page(self) -> None:
        make_entry(self.platform, "多重債務の相談", categories=("cat-money",))
        self.login(self.users[Role.SECRETARIAT_STAFF])
        html = squash(self.client.get(self.url("directory:support_list_settings")).content.decode())
        self.assertIn("分類のない公開中の窓口6件は「その他」に載ります。", html)
        self.assertIn('<thscope="row">お金・住まい</th><td>1件</td>', html)
        self.assertIn('<thscope="row">その他</th><td>6件</td>', html)

    def test_it_saves_the_choice_with_the_settings(self) -> None:
        self.login(self.users[Role.SECRETARIAT_STAFF])
        data = form_data(
            {"cat-money": 1, "cat-relations": 2}, print_others="on", others_term=str(term("cat-relations").pk)
        )
        response = self.client.post(self.url("directory:support_list_settings"), data)
        self.assertEqual(response.status_code, 302)
        with scopes_disabled():
            settings = SupportListSettings.objects.get(platform=self.platform)
        self.assertTrue(settings.print_others)
        self.assertEqual(settings.others_term, term("cat-relations"))
