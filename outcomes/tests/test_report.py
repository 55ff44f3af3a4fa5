"""The annual report (PDF, Word, open data with its schema) and flyers with a tracked QR code."""

from __future__ import annotations

import datetime
import io
import json
import re
import subprocess
import tempfile
import zoneinfo
from pathlib import Path

import segno
from django.test import override_settings
from django_scopes import scope
from docx import Document
from time_machine import travel

from accounts.models import Role
from audit.models import AuditEntry
from consultations.models import Medium, TrackedLink
from outcomes.models import AnnualReport, CostLine, Flyer, TrialProject
from outcomes.tests.test_dashboard import consultations
from tsunagari.lib.testing import BaseTestCase

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


def pdf_text(content: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "file.pdf"
        path.write_bytes(content)
        return subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
        ).stdout


def pdf_pages(content: bytes) -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "file.pdf"
        path.write_bytes(content)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@travel(datetime.datetime(2027, 4, 2, 9, 0, tzinfo=TOKYO), tick=False)
@override_settings(LANGUAGE_CODE="ja")
class AnnualReportTestCase(BaseTestCase):
    def setUp(self) -> None:
        consultations(self.platform, [datetime.date(2026, 8, 1)] * 7)
        with scope(platform=self.platform):
            for name, amount in (("自殺予防セミナーの開催", 144_000), ("アンケート調査", 922_756)):
                project = TrialProject.objects.create(platform=self.platform, name=name, fiscal_year=2026)
                CostLine.objects.create(
                    platform=self.platform, project=project, payee="発注先", amount=amount
                )
            TrialProject.objects.create(platform=self.platform, name="前年度の事業", fiscal_year=2025)

    def test_the_secretariat_writes_the_text_and_prints_it_in_wareki(self) -> None:
        self.login(self.admin)
        url = self.url("outcomes:report") + "?year=2026"
        self.client.post(
            url,
            {
                "fiscal_year": "2026",
                "foreword": "本年度は市町村との連携を進めた。",
                "assessment": "",
                "next_steps": "",
            },
        )
        with scope(platform=self.platform):
            self.assertEqual(AnnualReport.objects.get().foreword, "本年度は市町村との連携を進めた。")
        self.assertTrue(AuditEntry.objects.filter(action="outcomes.report_saved").exists())
        response = self.client.get(self.url("outcomes:report_pdf") + "?year=2026")
        self.assertEqual(response["Content-Type"], "application/pdf")
        text = pdf_text(response.content)
        self.assertIn("令和8年度", text)
        self.assertIn("令和8年4月1日〜令和9年3月31日", text)
        self.assertIn("本年度は市町村との連携を進めた。", text)
        self.assertIn("1,066,756", text)  # the year's projects only
        self.assertNotIn("前年度の事業", text)
        self.assertGreaterEqual(pdf_pages(response.content), 3)
        document = Document(
            io.BytesIO(self.client.get(self.url("outcomes:report_docx") + "?year=2026").content)
        )
        words = "\n".join(p.text for p in document.paragraphs)
        self.assertIn("令和8年度", words)
        self.assertIn("本年度は市町村との連携を進めた。", words)
        self.assertTrue(document.tables)

    def test_the_open_data_follows_its_schema_and_hides_small_counts(self) -> None:
        import jsonschema

        self.login(self.users[Role.VIEWER])
        data = json.loads(self.client.get(self.url("outcomes:open_data_json") + "?year=2026").content)
        schema = json.loads(self.client.get(self.url("outcomes:open_data_schema")).content)
        jsonschema.validate(data, schema)
        self.assertEqual(data["municipality_code"], "210005")
        self.assertEqual(
            sorted(p["name"] for p in data["projects"]), ["アンケート調査", "自殺予防セミナーの開催"]
        )
        figure = next(f for f in data["figures"] if f["key"] == "consultations")
        self.assertEqual(figure["value"], 7)
        csv = self.client.get(self.url("outcomes:open_data_csv") + "?year=2026").content.decode("utf-8-sig")
        self.assertIn("アンケート調査", csv)

    def test_a_viewer_reads_but_cannot_write_the_text(self) -> None:
        self.login(self.users[Role.VIEWER])
        response = self.client.post(self.url("outcomes:report"), {"fiscal_year": "2026", "foreword": "x"})
        self.assertEqual(response.status_code, 403)


@override_settings(LANGUAGE_CODE="ja")
class FlyerTestCase(BaseTestCase):
    def setUp(self) -> None:
        with scope(platform=self.platform):
            self.link = TrackedLink.objects.create(
                platform=self.platform, code="madoguchi", medium=Medium.FLYER, label="窓口チラシ"
            )

    def test_it_makes_an_a4_flyer_whose_qr_code_is_the_tracked_link(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            self.url("outcomes:flyers"),
            {
                "title": "こころとくらしの相談窓口",
                "lead": "ひとりで悩まず",
                "tracked_link": str(self.link.pk),
                "copies": "20000",
                "distribution_points": "750",
            },
        )
        self.assertEqual(response.status_code, 302)
        with scope(platform=self.platform):
            flyer = Flyer.objects.get()
        expected = "http://testserver/p/alpha/go/madoguchi"
        page = self.client.get(self.url("outcomes:flyer", flyer.uuid)).content.decode()
        self.assertIn(expected, page)
        # the QR code drawn is the code of exactly that URL (segno, as events' check-in codes)
        buffer = io.BytesIO()
        segno.make(expected, error="m").save(buffer, kind="svg", scale=6, border=4)
        path = re.search(r' d="([^"]+)"', buffer.getvalue().decode())
        assert path is not None
        self.assertIn(path.group(1), page)
        pdf = self.client.get(self.url("outcomes:flyer_pdf", flyer.uuid)).content
        self.assertEqual(pdf_pages(pdf), 1)
        text = pdf_text(pdf)
        self.assertIn("こころとくらしの相談窓口", text)
        self.assertIn(expected, text)
        self.assertEqual(self.client.get(self.url("outcomes:flyers")).status_code, 200)

    def test_a_viewer_cannot_make_a_flyer(self) -> None:
        self.login(self.users[Role.VIEWER])
        self.assertEqual(self.client.post(self.url("outcomes:flyers"), {"title": "x"}).status_code, 403)
