"""The check of a file attached to a board post, before anything is stored.

A file is accepted only when its content is what its name says, read from the bytes and never
from the browser's ``Content-Type``:

- PDF (``%PDF-``), PNG (every chunk's CRC checked) and JPEG (its frame header read), at most
  ``MAX_PIXELS`` pixels (an image bomb is refused before anyone decodes it), Word / Excel /
  PowerPoint (.docx .xlsx .pptx: a ZIP with ``[Content_Types].xml`` and the part folder of its
  kind, no macros), text and CSV (UTF-8 or Shift_JIS, no NUL bytes);
- at most ``MAX_BYTES`` as actually read (the stream is cut one byte past the limit, whatever
  size the upload claimed), and exactly the size it declared;
- a ZIP-based document is decompressed entry by entry with a budget (``MAX_UNPACKED`` bytes in
  all, ``MAX_ENTRIES`` entries, each entry at most ``MAX_RATIO`` times its compressed size): a
  zip bomb, or an entry whose header lies about its size, is refused without being unpacked.

A renamed program (``MZ``/``ELF``/script) fails because its bytes match no accepted kind.
Last, a file that passed goes to the virus scan of ``network.scanning`` (none by default: the file
is then stored and shown as 「未検査」).
Every refusal is a Japanese sentence naming the file.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from network import scanning

MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED = 50 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_RATIO = 200
MAX_PIXELS = 40_000_000
MAX_FILES = 5

OOXML = {
    ".docx": ("word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".xlsx": ("xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".pptx": ("ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}
SIMPLE = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
}
ACCEPTED = sorted({*OOXML, *SIMPLE})
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Checked:
    filename: str
    content_type: str
    content: bytes
    sha256: str
    scan: str = "unscanned"  # Attachment.Scan, from network.scanning
    scan_engine: str = ""

    @property
    def size(self) -> int:
        return len(self.content)


def clean_name(name: str) -> str:
    """The name without folders, control characters or surrounding dots and spaces (NFKC)."""
    name = unicodedata.normalize("NFKC", name or "")
    name = _CONTROL.sub("", name.replace("\\", "/")).rsplit("/", 1)[-1].strip(" .")
    path = PurePosixPath(name)
    stem = path.stem[: 200 - len(path.suffix)]
    return (stem + path.suffix.lower()) if stem else ""


def read_limited(chunks: Iterable[bytes], limit: int = MAX_BYTES) -> bytes | None:
    """All of ``chunks``, or None as soon as more than ``limit`` bytes arrived."""
    buffer = io.BytesIO()
    for chunk in chunks:
        buffer.write(chunk)
        if buffer.tell() > limit:
            return None
    return buffer.getvalue()


def check(name: str, chunks: Iterable[bytes], *, declared_size: int | None = None) -> Checked:
    """``name``'s content if it is an accepted, honest, safe file; ValidationError otherwise."""
    filename = clean_name(name)
    label = filename or _("（名前のないファイル）")
    suffix = PurePosixPath(filename).suffix
    if suffix not in ACCEPTED:
        raise ValidationError(
            _("%(name)s: 添付できるのは %(kinds)s のファイルです。")
            % {"name": label, "kinds": "・".join(ACCEPTED)}
        )
    content = read_limited(chunks)
    if content is None:
        raise ValidationError(
            _("%(name)s: ファイルが大きすぎます（上限 %(mb)s MB）。")
            % {"name": label, "mb": MAX_BYTES // (1024 * 1024)}
        )
    if declared_size is not None and declared_size != len(content):
        raise ValidationError(
            _(
                "%(name)s: ファイルの大きさ（%(real)s バイト）が申告された大きさ（%(said)s バイト）と違います。"
            )
            % {"name": label, "real": len(content), "said": declared_size}
        )
    if not content:
        raise ValidationError(_("%(name)s: ファイルが空です。") % {"name": label})
    if suffix in OOXML:
        content_type = _check_ooxml(label, suffix, content)
    else:
        content_type = SIMPLE[suffix]
        problem = _problem(suffix, content)
        if problem:
            raise ValidationError(f"{label}: {problem}")
    scanned = scanning.scan(label, content)  # last: only a file that passed every check above
    return Checked(
        filename, content_type, content, hashlib.sha256(content).hexdigest(), scanned.status, scanned.engine
    )


def _problem(suffix: str, content: bytes) -> str:
    mismatch = _("中身が %(kind)s ではありません（拡張子を変えたファイルは添付できません）。") % {
        "kind": suffix
    }
    if suffix == ".pdf":
        return "" if content.startswith(b"%PDF-") else mismatch
    if suffix in (".png", ".jpg", ".jpeg"):
        size = _png_size(content) if suffix == ".png" else _jpeg_size(content)
        if size is None:
            return mismatch
        width, height = size
        if width * height > MAX_PIXELS:
            return _("画像が大きすぎます（%(w)s×%(h)s）。") % {"w": width, "h": height}
        return ""
    # text and CSV
    if b"\x00" in content:
        return mismatch
    for encoding in ("utf-8-sig", "cp932"):
        try:
            content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return ""
    return _("文字コードが UTF-8 でも Shift_JIS でもありません。")


def _png_size(content: bytes) -> tuple[int, int] | None:
    """(width, height) of a well-formed PNG: the signature, IHDR first, every CRC right, IEND last."""
    if not content.startswith(b"\x89PNG\r\n\x1a\n"):
        return None
    at, size, seen_end = 8, None, False
    while at + 12 <= len(content):
        (length,) = struct.unpack(">I", content[at : at + 4])
        kind = content[at + 4 : at + 8]
        data = content[at + 8 : at + 8 + length]
        if len(data) != length or at + 12 + length > len(content):
            return None
        (crc,) = struct.unpack(">I", content[at + 8 + length : at + 12 + length])
        if zlib.crc32(kind + data) != crc:
            return None
        if size is None:
            if kind != b"IHDR" or length != 13:
                return None
            size = struct.unpack(">II", data[:8])
        if kind == b"IEND":
            seen_end = True
            break
        at += 12 + length
    if size is None or not seen_end or 0 in size:
        return None
    return size


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg_size(content: bytes) -> tuple[int, int] | None:
    """(width, height) from a JPEG's frame header (SOFn), walking its segments from SOI."""
    if not content.startswith(b"\xff\xd8\xff"):
        return None
    at = 2
    while at + 4 <= len(content):
        if content[at] != 0xFF:
            return None
        marker = content[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        (length,) = struct.unpack(">H", content[at + 2 : at + 4])
        if length < 2 or at + 2 + length > len(content):
            return None
        if marker in _SOF:
            if length < 7:
                return None
            height, width = struct.unpack(">HH", content[at + 5 : at + 9])
            return (width, height) if width and height else None
        if marker == 0xDA:  # image data before any frame header
            return None
        at += 2 + length
    return None


def _check_ooxml(label: str, suffix: str, content: bytes) -> str:
    folder, content_type = OOXML[suffix]
    mismatch = _("%(name)s: 中身が %(kind)s ではありません（拡張子を変えたファイルは添付できません）。") % {
        "name": label,
        "kind": suffix,
    }
    if not content.startswith(b"PK\x03\x04"):
        raise ValidationError(mismatch)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if len(entries) > MAX_ENTRIES:
                raise ValidationError(_("%(name)s: 中のファイルが多すぎます。") % {"name": label})
            if "[Content_Types].xml" not in names or not any(n.startswith(folder) for n in names):
                raise ValidationError(mismatch)
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                raise ValidationError(_("%(name)s: マクロを含むファイルは添付できません。") % {"name": label})
            budget = MAX_UNPACKED
            for entry in entries:
                if entry.filename.startswith("/") or ".." in entry.filename.split("/"):
                    raise ValidationError(mismatch)
                # a header that says "small" is not believed: the entry is unpacked with a budget
                allowed = min(budget, max(entry.compress_size, 1) * MAX_RATIO)
                with archive.open(entry) as stream:
                    unpacked = 0
                    while chunk := stream.read(64 * 1024):
                        unpacked += len(chunk)
                        if unpacked > allowed:
                            raise ValidationError(
                                _("%(name)s: 展開すると大きくなりすぎるファイルです（圧縮爆弾の疑い）。")
                                % {"name": label}
                            )
                budget -= unpacked
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, RuntimeError):
        raise ValidationError(mismatch) from None
    return content_type
