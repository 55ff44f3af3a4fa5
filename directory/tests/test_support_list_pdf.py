"""The public サポートリスト PDF: /p/<slug>/support-list.pdf (read back with poppler's pdftotext/pdffonts)."""

from __future__ import annotations

import re
import subprocess
import tempfile
from unittest import mock

from django_scopes import scope, scopes_disabled
from django_tasks_db.models import DBTaskResult

from directory import queries
from directory.models import (
    Address,
    Location,
    Phone,
    Reservation,
    ServiceAtLocation,
    SupportListCategory,
    SupportListRendering,
    SupportListSettings,
)
from directory.services import support_list
from directory.tests.support_data import make_entry, term
from tsunagari.lib.testing import BaseTestCase, run_tasks

FALLBACK = "アルファ県ふくし総合相談窓口"


def poppler(tool: str, pdf: bytes, *args: str) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        return subprocess.run(
            [tool, *args, f.name, "-"] if tool == "pdftotext" else [tool, f.name],
            check=True,
            capture_output=True,
            text=True,
        ).stdout


def pages_text(pdf: bytes, *options: str) -> list[str]:
    """Text of each page (pdftotext separates pages with a form feed); cells come out as blocks."""
    return [page for page in poppler("pdftotext", pdf, *options).split("\f") if page.strip()]


HEADINGS = re.compile(r"^\s*相談内容\s+相談・連絡先\s+受付日時\s+所在地\s*$")


def section_bands(lines: list[str]) -> list[str]:
    """Category bands: a line with only the category name, followed by the four column headings."""
    bands = []
    for i, line in enumerate(lines[:-1]):
        following = next((x for x in lines[i + 1 :] if x.strip()), "")
        if line.strip() and HEADINGS.match(following):
            bands.append(line.strip())
    return bands


def section_texts(lines: list[str]) -> dict[str, str]:
    """The layout text under each category band (continuation pages appended)."""
    bands = set(section_bands(lines))
    found: dict[str, str] = {}
    current = ""
    for i, line in enumerate(lines):
        following = next((x for x in lines[i + 1 :] if x.strip()), "")
        if line.strip() in bands and HEADINGS.match(following):
            current = line.strip()
        elif current:
            found[current] = found.get(current, "") + line + "\n"
    return found


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


class SupportListPdfTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        p = cls.platform
        cls.debt = make_entry(
            p,
            "多重債務の相談",
            organization="アルファ県消費生活センター",
            categories=("cat-money",),
            phone="058-272-5717",
            address="薮田南2-1-1",
            reservation=Reservation.REQUIRED,
        )
        cls.job = make_entry(
            p,
            "仕事と暮らしの相談",
            organization="くらし・しごとサポートセンターわかば",
            categories=("cat-work", "cat-money"),
            phone="058-214-0001",
            hours=(("MO,TU,TH,FR", "10:00", "16:00"),),
        )
        with scopes_disabled():
            # A FAX line is printed as FAX, not with the telephone mark.
            Phone.objects.create(platform=p, service=cls.job, number="058-214-0002", type="fax")
            # Of three places, two are printed and the third counted.
            for name, street in (("北部窓口", "長良福光1"), ("南部窓口", "茜部本郷2")):
                location = Location.objects.create(platform=p, name=name)
                Address.objects.create(
                    platform=p,
                    location=location,
                    address_1=street,
                    city="岐阜市",
                    state_province="岐阜県",
                    postal_code="500-8570",
                )
                ServiceAtLocation.objects.create(platform=p, service=cls.debt, location=location)
        # Many rows in one category, so that the list runs over several pages.
        for i in range(14):
            make_entry(
                p,
                f"こころの健康相談{i:02d}",
                organization=f"保健所{i:02d}",
                categories=("cat-health",),
                phone=f"058-380-{i:04d}",
            )
        make_entry(p, "非公開の相談", categories=("cat-money",), is_published=False)
        make_entry(cls.other_platform, "ベータ市の相談", categories=("cat-money",))
        with scopes_disabled():
            settings = SupportListSettings.objects.create(
                platform=p,
                fallback_name=FALLBACK,
                fallback_phone="058-272-0000",
                fallback_hours="月〜金 8:30〜17:15",
            )
            for position, code in enumerate(("cat-work", "cat-money", "cat-health"), start=1):
                SupportListCategory.objects.create(
                    platform=p, settings=settings, term=term(code), position=position
                )
        with scope(platform=p):
            # rendered once for the class, kept in the database
            cls.a4 = support_list.current_pdf(p, "a4", render_now=True)

    def fetch(self, query: str = "", **headers: str):  # type: ignore[no-untyped-def]
        """One request, with what it queues for after its commit."""
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.get(self.url("directory:support_list_pdf") + query, headers=headers)

    def get(self, query: str = "", **headers: str):  # type: ignore[no-untyped-def]
        """The PDF as a resident's browser gets it: if it was being prepared, once the worker made it."""
        response = self.fetch(query, **headers)
        if response.status_code == 202:
            run_tasks()
            response = self.fetch(query, **headers)
        return response

    def test_it_prints_the_chosen_categories_in_order_with_the_four_columns(self) -> None:
        response = self.get()
        self.assertEqual(response["Content-Type"], "application/pdf")
        lines = "".join(pages_text(response.content, "-layout")[2:]).splitlines()  # after cover and contents
        self.assertEqual(
            section_bands(lines), ["仕事", "お金・住まい", "健康", "健康"]
        )  # 健康 runs onto a 2nd page
        sections = section_texts(lines)
        text = squash("".join(pages_text(response.content)[2:]))
        self.assertIn("多重債務の相談", sections["お金・住まい"])
        self.assertNotIn("多重債務の相談", sections["仕事"])
        # A service in two categories is listed under both.
        self.assertIn("仕事と暮らしの相談", sections["仕事"])
        self.assertIn("仕事と暮らしの相談", sections["お金・住まい"])
        self.assertIn("月・火・木・金10:00〜16:00", text)
        self.assertIn("（祝日・年末年始を除く）", text)
        self.assertIn("☎058-272-5717", text)
        self.assertIn("岐阜市薮田南2-1-1", text)
        self.assertIn("☎058-214-0001", text)
        self.assertIn("FAX058-214-0002", text)
        self.assertNotIn("☎058-214-0002", text)
        self.assertIn("岐阜市長良福光1北部窓口ほか1か所", text)
        self.assertNotIn("茜部本郷", text)
        self.assertNotIn("非公開の相談", text)
        self.assertNotIn("ベータ市の相談", text)
        self.assertNotIn("子ども・子育て", text)  # not chosen

    def test_it_marks_services_that_need_a_reservation(self) -> None:
        pages = pages_text(self.get().content)
        legend = squash(pages[1])
        self.assertIn("予約のマークのある相談先へは、事前に電話で予約が必要です。", legend)
        body = "".join(pages_text(self.get().content, "-layout")[2:])
        marks = len(re.findall(r"予約(?!\s*[＝が])", body))  # not the legend in the running header
        self.assertEqual(marks, 1)  # only 多重債務の相談 needs a reservation
        lines = body.splitlines()
        row = next(i for i, line in enumerate(lines) if "多重債務の相談" in line)
        self.assertTrue(any(re.search(r"予約(?!\s*[＝が])", line) for line in lines[row - 2 : row + 1]))

    def test_it_has_a_cover_contents_and_the_fallback_window_with_a_page_number_on_every_page(self) -> None:
        pages = pages_text(self.get().content)
        self.assertGreaterEqual(len(pages), 4)
        self.assertIn("つながりサポートリスト", squash(pages[0]))
        self.assertIn("もくじ", pages[1])
        for number, page in enumerate(pages, start=1):
            flat = squash(page)
            self.assertIn(f"どこに相談したらよいか迷ったら{FALLBACK}☎058-272-0000", flat, f"page {number}")
            self.assertRegex(page, rf"(?m)^\s*(.*\s)?{number}\s*$", f"page {number} has no page number")
        contents = squash(pages[1])
        health_page = next(i for i, p in enumerate(pages, start=1) if "こころの健康相談00" in p)
        self.assertIn(f"健康（14件）{health_page}ページ", contents)
        # The health table runs over a page break and repeats its category band and column headings.
        layout = pages_text(self.get().content, "-layout")
        self.assertEqual(section_bands(layout[health_page].splitlines()), ["健康"])
        self.assertIn("こころの健康相談13", layout[health_page])

    def test_it_embeds_subsets_of_the_japanese_fonts(self) -> None:
        fonts = poppler("pdffonts", self.get().content).splitlines()[2:]
        self.assertTrue(fonts)
        for line in fonts:
            self.assertIn("Noto-Sans-CJK-JP", line)
            name, *_rest = line.split()
            self.assertRegex(name, r"^[A-Z]{6}\+")  # subset
            self.assertIn(" yes yes yes ", line)  # embedded, subset, unicode map

    def test_it_renders_an_a5_booklet_in_multiples_of_four_pages(self) -> None:
        response = self.get("?size=a5")
        info = poppler("pdfinfo", response.content)
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
        self.assertEqual(pages % 4, 0)
        self.assertRegex(info, r"Page size:\s+419\.5\d* x 595\.2\d* pts")  # A5
        self.assertRegex(poppler("pdfinfo", self.get().content), r"Page size:\s+595\.2\d* x 841\.8\d* pts")
        self.assertRegex(info, r"Tagged:\s+yes")  # structure for screen readers
        pages_text_a5 = pages_text(response.content)
        self.assertIn("メモ", pages_text_a5[-1])
        self.assertRegex(pages_text_a5[-1], rf"(?m)^\s*(.*\s)?{pages}\s*$")  # numbered on

    def test_an_a5_booklet_lays_out_only_its_memo_pages_again(self) -> None:
        from directory.support_list_pdf import render_pdf
        from tsunagari.lib import pdf

        laid_out: list[int] = []
        real_render = pdf.render

        def render(html: str):  # type: ignore[no-untyped-def]
            document = real_render(html)
            laid_out.append(len(document.pages))
            return document

        with scope(platform=self.platform), mock.patch.object(pdf, "render", render):
            doc = queries.build_document(self.platform, queries.settings_for(self.platform), "a5")
            _content, pages = render_pdf(doc)
        self.assertEqual(pages % 4, 0)
        self.assertGreater(doc.memo_pages, 0)  # this list needs メモ pages on A5
        self.assertEqual(sum(laid_out), pages)  # the list once, then the メモ pages alone

    def test_it_renders_once_per_version_of_the_data(self) -> None:
        first = self.get()
        second = self.get()
        self.assertEqual(first["ETag"], second["ETag"])
        self.assertEqual(first.content, second.content)
        self.assertEqual(self.get(**{"If-None-Match": first["ETag"]}).status_code, 304)
        with scopes_disabled():
            self.assertEqual(SupportListRendering.objects.filter(size="a4").count(), 1)
            Phone.objects.filter(service=self.debt).update(number="058-272-9999")
        # For a minute the current version is taken as known (no document is built per request) …
        self.assertEqual(self.get()["ETag"], first["ETag"])
        support_list.forget_current(self.platform)  # … as if that minute had passed
        stale = self.get()  # the worker is making the new version: the old one meanwhile
        self.assertEqual(stale["ETag"], first["ETag"])
        self.assertEqual(stale["Cache-Control"], "public, max-age=10")
        run_tasks()
        changed = self.get()
        self.assertNotEqual(changed["ETag"], first["ETag"])
        self.assertIn("☎058-272-9999", squash("".join(pages_text(changed.content))))
        with scopes_disabled():
            self.assertEqual(SupportListRendering.objects.filter(size="a4").count(), 1)  # the old one is gone

    def test_it_serves_the_previous_pdf_while_another_request_renders_the_new_one(self) -> None:
        with scopes_disabled():
            Phone.objects.filter(service=self.debt).update(number="058-272-8888")
        support_list.forget_current(self.platform)
        with scope(platform=self.platform):
            key = support_list.document_key(
                queries.build_document(self.platform, queries.settings_for(self.platform), "a4")
            )
            SupportListRendering.objects.create(
                platform=self.platform, key=key, size="a4", language="ja", pdf=b"", pages=0
            )
        response = self.get()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["ETag"], f'"{self.a4.key}"')
        self.assertEqual(response["Cache-Control"], "public, max-age=10")
        with scope(platform=self.platform):  # nothing was ever rendered in A5
            a5_key = support_list.document_key(
                queries.build_document(self.platform, queries.settings_for(self.platform), "a5")
            )
            SupportListRendering.objects.create(
                platform=self.platform, key=a5_key, size="a5", language="ja", pdf=b"", pages=0
            )
        waiting = self.get("?size=a5")  # another worker has it: nothing to serve yet
        self.assertEqual(waiting.status_code, 202)
        self.assertEqual(waiting["Retry-After"], "5")
        self.assertContains(waiting, "サポートリストを作成しています", status_code=202)

    def test_it_leaves_the_rendering_to_the_task_worker(self) -> None:
        with mock.patch.object(support_list, "render_pdf", side_effect=AssertionError("in the request")):
            waiting = self.fetch("?size=a5")
        self.assertEqual(waiting.status_code, 202)
        self.assertEqual(waiting["Cache-Control"], "no-store")
        html = waiting.content.decode()
        self.assertIn('<meta http-equiv="refresh" content="5">', html)
        self.assertIn("できあがると PDF が開きます", html)
        self.assertEqual(self.fetch("?size=a5").status_code, 202)  # claimed once, not queued twice
        queued = DBTaskResult.objects.filter(task_path=support_list.render_support_list.module_path)
        self.assertEqual(queued.filter(status="READY").count(), 1)
        run_tasks()
        self.assertEqual(queued.filter(status="SUCCESSFUL").count(), 1)
        ready = self.fetch("?size=a5")
        self.assertEqual(ready.status_code, 200)
        self.assertEqual(ready["Content-Type"], "application/pdf")
        self.assertRegex(poppler("pdfinfo", ready.content), r"Page size:\s+419\.5\d* x 595\.2\d* pts")

    def test_it_stores_what_the_worker_rendered_when_the_data_changed_after_the_claim(self) -> None:
        with mock.patch.object(support_list, "render_pdf", side_effect=AssertionError("in the request")):
            self.assertEqual(self.fetch("?size=a5").status_code, 202)
        with scopes_disabled():
            Phone.objects.filter(service=self.debt).update(number="058-272-7777")
        run_tasks()
        support_list.forget_current(self.platform)
        ready = self.fetch("?size=a5")
        self.assertEqual(ready.status_code, 200)
        self.assertIn("☎058-272-7777", squash("".join(pages_text(ready.content))))
        with scopes_disabled():
            self.assertFalse(
                SupportListRendering.objects.filter(size="a5", pages=0).exists()
            )  # no claim left

    def test_it_releases_the_claim_when_the_worker_fails(self) -> None:
        self.assertEqual(self.fetch("?size=a5").status_code, 202)
        with mock.patch.object(support_list, "render_pdf", side_effect=OSError("fonts gone")):
            run_tasks()
        with scopes_disabled():
            self.assertFalse(SupportListRendering.objects.filter(size="a5").exists())
        self.assertEqual(self.get("?size=a5").status_code, 200)  # claimed and made again

    def test_it_rejects_an_unknown_size_and_hides_private_platforms(self) -> None:
        self.assertEqual(self.get("?size=b4").status_code, 400)
        self.platform.is_public = False
        self.platform.save()
        self.assertEqual(self.get().status_code, 404)
        self.assertEqual(self.client.get("/p/nowhere/support-list.pdf").status_code, 404)
