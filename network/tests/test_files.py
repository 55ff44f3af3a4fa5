"""The attachment check on real files: documents made by openpyxl, python-docx and Pillow pass;
renamed programs, zip bombs, lying sizes and oversized images are refused with the file named."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import docx
import openpyxl
from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from network import files


def chunks(data: bytes, size: int = 65536) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)] or [b""]


def xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["団体", "人数"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def word() -> bytes:
    document = docx.Document()
    document.add_paragraph("情報交換会のご案内")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int = 40, height: int = 30) -> bytes:
    """A black 1-bit PNG written by hand (a 9000×9000 one is ~10 KB: an image bomb)."""
    rows = zlib.compress(b"".join(b"\x00" + b"\x00" * ((width + 7) // 8) for _ in range(height)), 9)
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def jpeg(width: int = 8, height: int = 8) -> bytes:
    """The segments a JPEG starts with: SOI, a JFIF APP0, a baseline frame header (SOF0)."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


def zip_of(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


class FileCheckTestCase(SimpleTestCase):
    def check(self, name: str, data: bytes, declared: int | None = None) -> files.Checked:
        return files.check(name, chunks(data), declared_size=len(data) if declared is None else declared)

    def refused(self, name: str, data: bytes, message: str, declared: int | None = None) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.check(name, data, declared)
        self.assertIn(message, " ".join(caught.exception.messages))

    def test_it_accepts_real_documents_by_their_content(self) -> None:
        self.assertEqual(self.check("名簿.xlsx", xlsx()).content_type, files.OOXML[".xlsx"][1])
        self.assertEqual(self.check("案内.docx", word()).content_type, files.OOXML[".docx"][1])
        self.assertEqual(self.check("写真.PNG", png()).filename, "写真.png")
        self.assertEqual(self.check("案内.pdf", b"%PDF-1.7\n%...\n").content_type, "application/pdf")
        sjis = "団体名,人数\r\nとくしま子ども食堂,2\r\n".encode("cp932")
        self.assertEqual(self.check("参加者.csv", sjis).size, len(sjis))

    def test_it_refuses_a_renamed_program(self) -> None:
        program = b"MZ\x90\x00\x03" + b"\x00" * 200 + b"This program cannot be run in DOS mode"
        self.refused("助成要綱.pdf", program, "助成要綱.pdf: 中身が .pdf ではありません")
        self.refused("写真.png", program, "写真.png: 中身が .png ではありません")
        self.refused("名簿.xlsx", program, "名簿.xlsx: 中身が .xlsx ではありません")
        self.refused("setup.exe", program, "setup.exe: 添付できるのは")
        self.refused(
            "memo.txt", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64, "memo.txt: 中身が .txt ではありません"
        )
        # a JPEG named .png is not a PNG either, and a PNG with a broken chunk is no PNG
        self.assertEqual(self.check("写真.jpg", jpeg()).content_type, "image/jpeg")
        self.refused("写真.png", jpeg(), "中身が .png ではありません")
        broken = bytearray(png())
        broken[40] ^= 0xFF
        self.refused("写真.png", bytes(broken), "中身が .png ではありません")

    def test_it_refuses_a_zip_bomb_without_unpacking_it(self) -> None:
        bomb = zip_of(
            {
                "[Content_Types].xml": b"<Types/>",
                "xl/workbook.xml": b"<workbook/>",
                "xl/sharedStrings.xml": b"\x00" * (60 * 1024 * 1024),
            }
        )
        self.assertLess(len(bomb), 200 * 1024)  # small on the wire
        self.refused("名簿.xlsx", bomb, "名簿.xlsx: 展開すると大きくなりすぎるファイルです")

    def test_it_refuses_a_zip_entry_whose_header_lies_about_its_size(self) -> None:
        data = bytearray(zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"A" * 500_000}))
        # say 10 bytes in the local header and the central directory of word/document.xml
        for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
            start = 0
            while (start := data.find(signature, start)) != -1:
                name_at = start + (30 if signature == b"PK\x03\x04" else 46)
                if data[name_at : name_at + 17] == b"word/document.xml":
                    struct.pack_into("<I", data, start + offset, 10)
                start += 4
        self.refused("案内.docx", bytes(data), "案内.docx: 中身が .docx ではありません")

    def test_it_refuses_a_file_larger_than_it_says_or_than_allowed(self) -> None:
        self.refused("案内.pdf", b"%PDF-1.7\n" + b"x" * 1000, "と違います", declared=100)
        huge = (b"%PDF-1.7\n" + b"x" * 65536) * (files.MAX_BYTES // 65536 + 2)
        self.refused(
            "大きな案内.pdf", huge, "大きな案内.pdf: ファイルが大きすぎます（上限 10 MB）", declared=100
        )
        # the stream is cut just past the limit, not read to its end
        read: list[int] = []

        def endless():  # type: ignore[no-untyped-def]
            while True:
                read.append(1)
                yield b"x" * 65536

        with self.assertRaises(ValidationError):
            files.check("endless.txt", endless(), declared_size=10)
        self.assertEqual(len(read), files.MAX_BYTES // 65536 + 1)

    def test_it_refuses_an_image_bomb_and_macros(self) -> None:
        self.refused("地図.png", png(9000, 9000), "画像が大きすぎます（9000×9000）")
        self.refused("地図.jpg", jpeg(65000, 65000), "画像が大きすぎます（65000×65000）")
        macro = zip_of(
            {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<d/>", "word/vbaProject.bin": b"x"}
        )
        self.refused("案内.docx", macro, "マクロを含むファイルは添付できません")

    def test_it_cleans_the_name(self) -> None:
        self.assertEqual(files.clean_name("../../etc/報告書.PDF"), "報告書.pdf")
        self.assertEqual(files.clean_name("C:\\Users\\me\\ｱﾝｹｰﾄ\x00.csv"), "アンケート.csv")
        self.assertEqual(files.clean_name("..."), "")
