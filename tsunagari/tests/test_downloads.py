"""tsunagari.lib.downloads: the one way to answer with a file."""

from __future__ import annotations

import re
from urllib.parse import unquote

from django.test import SimpleTestCase

from tsunagari.lib.downloads import CSV, attachment_response, content_disposition, streaming_attachment


def parsed(header: str) -> tuple[str, str]:
    """(disposition, file name) as a browser reads the header (RFC 6266: ``filename*`` wins)."""
    kind = header.split(";", 1)[0]
    star = re.search(r"filename\*=utf-8''([^;\s]+)", header)
    if star:
        return kind, unquote(star.group(1), encoding="utf-8", errors="strict")
    plain = re.search(r'filename="((?:[^"\\]|\\.)*)"', header)
    assert plain is not None, header
    return kind, re.sub(r"\\(.)", r"\1", plain.group(1))


class DownloadsTest(SimpleTestCase):
    def test_it_sends_an_ascii_name_as_a_plain_quoted_filename(self) -> None:
        self.assertEqual(
            content_disposition("members-alpha-20260401.csv"),
            'attachment; filename="members-alpha-20260401.csv"',
        )
        self.assertEqual(content_disposition("qr-ab12.svg", inline=True), 'inline; filename="qr-ab12.svg"')

    def test_it_sends_a_japanese_name_as_utf8_filename_star_with_an_ascii_fallback(self) -> None:
        for name in [
            "会員名簿-20260401.xlsx",
            "サポートリスト（伊勢市）.pdf",
            "ｶﾞｲﾄﾞ 2026.csv",
            "café・居場所.csv",
        ]:
            with self.subTest(name=name):
                header = content_disposition(name)
                header.encode("latin-1")  # a header Django can send as it is
                self.assertEqual(parsed(header), ("attachment", name))
                fallback = header.split('filename="', 1)[1].split('"', 1)[0]
                self.assertTrue(fallback.isascii())
                self.assertEqual(fallback.rsplit(".", 1)[1], name.rsplit(".", 1)[1])
        self.assertIn('filename="cafe.csv"', content_disposition("café・居場所.csv"))

    def test_it_keeps_quotes_line_breaks_and_slashes_from_breaking_the_header(self) -> None:
        for name, expected in [
            ('say "hi".csv', 'say "hi".csv'),
            ("a\r\nSet-Cookie: x=1.csv", "a Set-Cookie: x=1.csv"),
            ("../etc/passwd", ".._etc_passwd"),
            ("", "download"),
        ]:
            with self.subTest(name=name):
                header = content_disposition(name)
                self.assertNotIn("\n", header)
                self.assertNotIn("\r", header)
                self.assertEqual(parsed(header), ("attachment", expected))

    def test_it_builds_responses_with_the_header_and_no_store_for_private_files(self) -> None:
        response = attachment_response(b"a,b\n", "名簿.csv", CSV, private=True)
        self.assertEqual(response["Content-Type"], CSV)
        self.assertEqual(parsed(response["Content-Disposition"]), ("attachment", "名簿.csv"))
        self.assertEqual(response["Cache-Control"], "no-store")
        self.assertEqual(response.content, b"a,b\n")
        public = attachment_response(b"%PDF", "list.pdf", "application/pdf", inline=True)
        self.assertEqual(public["Content-Disposition"], 'inline; filename="list.pdf"')
        self.assertFalse(public.has_header("Cache-Control"))
        streamed = streaming_attachment(iter(["a\n", "b\n"]), "audit.csv", CSV, private=True)
        self.assertEqual(b"".join(streamed.streaming_content), b"a\nb\n")  # type: ignore[arg-type]
        self.assertEqual(streamed["Content-Disposition"], 'attachment; filename="audit.csv"')
