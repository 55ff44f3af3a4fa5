"""The check of a file attached to a board post, before anything is stored.

A file is accepted only when its content is what its name says, read from the bytes and never
from the browser's ``Content-Type``:

- PDF (``%PDF-``), PNG and JPEG (opened by Pillow, at most ``MAX_PIXELS`` pixels), Word / Excel /
  PowerPoint (.docx .xlsx .pptx: a ZIP with ``[Content_Types].xml`` and the part folder of its
  kind, no macros), text and CSV (UTF-8 or Shift_JIS, no NUL bytes);
- at most ``MAX_BYTES`` as actually read (the stream is cut one byte past the limit, whatever
  size the upload claimed), and exactly the size it declared;
- a ZIP-based document is decompressed entry by entry with a budget (``MAX_UNPACKED`` bytes in
  all, ``MAX_ENTRIES`` entries, each entry at most ``MAX_RATIO`` times its compressed size): a
  zip bomb, or an entry whose header lies about its size, is refused without being unpacked.

A renamed program (``MZ``/``ELF``/script) fails because its bytes match no accepted kind.
Every refusal is a Japanese sentence naming the file.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image

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
    return Checked(filename, content_type, content, hashlib.sha256(content).hexdigest())


def _problem(suffix: str, content: bytes) -> str:
    mismatch = _("中身が %(kind)s ではありません（拡張子を変えたファイルは添付できません）。") % {
        "kind": suffix
    }
    if suffix == ".pdf":
        return "" if content.startswith(b"%PDF-") else mismatch
    if suffix in (".png", ".jpg", ".jpeg"):
        expected = "PNG" if suffix == ".png" else "JPEG"
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(io.BytesIO(content)) as image:
                    if image.format != expected:
                        return mismatch
                    if image.width * image.height > MAX_PIXELS:
                        return _("画像が大きすぎます（%(w)s×%(h)s）。") % {
                            "w": image.width,
                            "h": image.height,
                        }
                    image.verify()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            return _("画像が大きすぎます。")
        except Exception:  # noqa: BLE001 - Pillow raises many kinds for a broken or foreign file
            return mismatch
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
