"""tsunagari.lib.pdf: Japanese HTML to a tagged PDF with the Noto CJK fonts embedded."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

from tsunagari.lib import pdf

HTML = f"""<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>テスト</title>
<style>body {{ font-family: {pdf.FONT_STACK}; }} @page {{ size: A5; }}</style></head>
<body><h1>伊勢つながりサポートリスト</h1><p>ひとりで悩まず、まずはご相談ください。（令和8年11月26日現在）</p>
<p style="break-before: page">２ページ目：ｶﾀｶﾅ、ＡＢＣ、①</p></body></html>"""


def poppler(tool: str, content: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(content)
        return subprocess.run(
            [tool, str(path), "-"] if tool == "pdftotext" else [tool, str(path)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout


class PdfTest(SimpleTestCase):
    def test_it_renders_japanese_text_with_noto_cjk_embedded_and_tags(self) -> None:
        document = pdf.render(HTML)
        self.assertEqual(len(document.pages), 2)
        content = pdf.write(document)
        self.assertTrue(content.startswith(b"%PDF-"))
        self.assertRegex(poppler("pdfinfo", content), r"Tagged:\s+yes")  # readable by screen readers
        text = poppler("pdftotext", content).replace("\n", "")  # lines wrap on the A5 page
        self.assertIn("伊勢つながりサポートリスト", text)
        self.assertIn("令和8年11月26日", text)
        self.assertIn("ｶﾀｶﾅ", text)
        fonts = poppler("pdffonts", content)
        rows = [line.split() for line in fonts.splitlines()[2:]]
        self.assertTrue(rows)
        for row in rows:  # name type encoding emb sub uni object ID
            self.assertIn("Noto-Sans-CJK-JP", row[0])
            self.assertEqual(row[-5:-2], ["yes", "yes", "yes"])  # embedded, as a subset, with a ToUnicode map

    def test_the_tagged_write_reads_the_page_references_without_building_them_again(self) -> None:
        import pydyf

        pdf.write(pdf.render(HTML))  # the first write installs the cached page references
        document = pydyf.PDF()
        for _ in range(3):
            document.add_page(pydyf.Dictionary({"Type": "/Page"}))
        references = document.page_references
        self.assertIs(document.page_references, references)  # not a new tuple per tag
        self.assertEqual(references, tuple(f"{n} 0 R".encode() for n in document.pages["Kids"][::3]))
        document.add_page(pydyf.Dictionary({"Type": "/Page"}))
        self.assertEqual(len(document.page_references), 4)  # a page added: built again

    def test_the_garbage_collector_is_paused_while_it_lays_out_and_writes_then_resumed(self) -> None:
        import gc
        from unittest import mock

        from weasyprint import HTML as WeasyHTML

        seen = []
        real_render = WeasyHTML.render

        def render(self: WeasyHTML, *args: object, **kwargs: object) -> object:
            seen.append(gc.isenabled())
            return real_render(self, *args, **kwargs)

        self.assertTrue(gc.isenabled())
        with mock.patch.object(WeasyHTML, "render", render):
            document = pdf.render(HTML)
        self.assertEqual(seen, [False])
        self.assertTrue(gc.isenabled())  # resumed after the render
        pdf.write(document)
        self.assertTrue(gc.isenabled())  # and after the write
        gc.disable()  # a caller that paused it itself keeps it paused
        try:
            pdf.write(pdf.render(HTML))
            self.assertFalse(gc.isenabled())
        finally:
            gc.enable()
        with mock.patch.object(WeasyHTML, "render", side_effect=ValueError("broken")):
            with self.assertRaises(ValueError):
                pdf.render(HTML)
        self.assertTrue(gc.isenabled())  # resumed after an error too
