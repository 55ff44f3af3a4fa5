"""Files and bodies from outside (issue 16, "low" findings): an Excel file with a DTD, an XXE
entity, "billion laughs", corrupt XML or a zip bomb is refused with a message naming the part
(never a 500, nothing expanded, no file read); a deeply nested JSON body answers 400."""

from __future__ import annotations

import io
import re
import zipfile

from django.test import SimpleTestCase
from openpyxl import Workbook

from accounts.models import Role
from consultations.services.line import BadWebhook, parse_events
from consultations.tests.helpers import SECRET, LineTestCase, signature
from directory.services.sheet import build_template, parse
from outcomes.importing import read_table
from tsunagari.lib.testing import BaseTestCase, run_tasks
from tsunagari.lib.untrusted import UnreadableFile, json_depth, loads_json, open_workbook

XXE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
)
LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    + "]>\n"
)


def small_workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["媒体", "表示回数"])
    sheet.append(["新聞広告", 1200])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite(content: bytes, part: str, change) -> bytes:  # type: ignore[no-untyped-def]
    """The same archive with one part's bytes changed by ``change``."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, change(data) if item.filename == part else data)
    return out.getvalue()


def with_dtd(content: bytes, dtd: str, part: str = "xl/worksheets/sheet1.xml") -> bytes:
    def change(data: bytes) -> bytes:
        body = re.sub(rb"^<\?xml[^>]*\?>\s*", b"", data)
        return dtd.encode() + body.replace(b"<v>1200</v>", b"<v>&xxe;</v>")

    return rewrite(content, part, change)


class WorkbookTest(SimpleTestCase):
    def test_it_opens_a_plain_workbook(self) -> None:
        book = open_workbook(small_workbook())
        self.assertEqual(list(book.worksheets[0].iter_rows(values_only=True))[1], ("新聞広告", 1200))

    def test_it_refuses_an_xxe_entity_naming_the_part(self) -> None:
        with self.assertRaises(UnreadableFile) as caught:
            open_workbook(with_dtd(small_workbook(), XXE))
        self.assertIn("xl/worksheets/sheet1.xml", str(caught.exception))
        self.assertIn("DTD", str(caught.exception))
        self.assertNotIn("root:", str(caught.exception))

    def test_it_refuses_billion_laughs_in_any_part(self) -> None:
        for part in ("xl/workbook.xml", "[Content_Types].xml", "xl/_rels/workbook.xml.rels"):
            with self.assertRaises(UnreadableFile, msg=part):
                open_workbook(
                    rewrite(
                        small_workbook(),
                        part,
                        lambda d: LAUGHS.encode() + re.sub(rb"^<\?xml[^>]*\?>", b"", d),
                    )
                )

    def test_it_refuses_a_dtd_hidden_in_utf16(self) -> None:
        def change(data: bytes) -> bytes:
            text = XXE.replace("UTF-8", "UTF-16") + re.sub(r"^<\?xml[^>]*\?>\s*", "", data.decode())
            return text.encode("utf-16")

        with self.assertRaises(UnreadableFile):
            open_workbook(rewrite(small_workbook(), "xl/worksheets/sheet1.xml", change))

    def test_it_refuses_corrupt_xml_and_non_archives(self) -> None:
        broken = rewrite(small_workbook(), "xl/worksheets/sheet1.xml", lambda d: d[: len(d) // 2])
        for content in (broken, b"PK\x03\x04 not really", "媒体,表示回数".encode(), b""):
            with self.assertRaises(UnreadableFile):
                open_workbook(content)

    def test_it_refuses_a_zip_bomb_before_inflating_it(self) -> None:
        bomb = rewrite(small_workbook(), "xl/media/image1.bin", lambda d: d)
        out = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(bomb)) as source,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for item in source.infolist():
                target.writestr(item, source.read(item))
            target.writestr("xl/media/zeros.bin", b"\0" * (80 * 1024 * 1024))
        with self.assertRaises(UnreadableFile) as caught:
            open_workbook(out.getvalue())
        self.assertIn("MB", str(caught.exception))


class JsonTest(SimpleTestCase):
    def test_it_measures_depth_outside_strings(self) -> None:
        self.assertEqual(json_depth('{"a": [1, {"b": "[[[[\\"]]"}]}'), 3)

    def test_it_refuses_deep_nesting_with_a_message(self) -> None:
        deep = "[" * 100_000 + "]" * 100_000
        with self.assertRaises(UnreadableFile) as caught:
            loads_json(deep.encode())
        self.assertIn("入れ子が深すぎます", str(caught.exception))
        self.assertEqual(loads_json(b'{"events": []}'), {"events": []})


class UploadsAndBodiesTestCase(BaseTestCase):
    def test_it_answers_the_directory_sheet_preview_with_a_message_not_a_500(self) -> None:
        client = self.login(self.users[Role.SECRETARIAT_STAFF])
        for name, content in (
            ("xxe.xlsx", with_dtd(build_template(), XXE, "xl/workbook.xml")),
            ("broken.xlsx", build_template()[:-200]),
        ):
            upload = io.BytesIO(content)
            upload.name = name
            posted = client.post(self.url("directory:sheet"), {"file": upload})
            run_tasks()  # the worker checks the staged file
            response = client.get(posted["Location"])
            self.assertEqual(response.status_code, 200, name)
            self.assertIn("ファイル", response.content.decode())
        problem = parse(with_dtd(build_template(), XXE, "xl/workbook.xml")).problem
        self.assertIn("DTD", problem)

    def test_it_refuses_an_outcomes_campaign_sheet_with_a_dtd(self) -> None:
        from django.core.exceptions import ValidationError

        with self.assertRaises(ValidationError) as caught:
            read_table(with_dtd(small_workbook(), XXE), "媒体別.xlsx")
        self.assertIn("DTD", str(caught.exception))


class DeepWebhookTestCase(LineTestCase):
    def test_it_answers_a_signed_deeply_nested_line_webhook_with_400(self) -> None:
        body = b'{"events": [' + b"[" * 50_000 + b"]" * 50_000 + b"]}"
        with self.assertRaises(BadWebhook):
            parse_events(body)
        response = self.post_body(body, signature(SECRET, body))
        self.assertEqual(response.status_code, 400)
        self.assertIn("JSON", response.json()["error"])
