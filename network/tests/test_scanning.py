"""The virus scan step (network.scanning): 「未検査」 when no scanner is configured (nothing claims
a scan), ClamAV's clamscan when configured, run for real on a signature database the test writes
(ClamAV's own signatures cannot be fetched here); a configured scan that cannot run refuses."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import unittest
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.test import SimpleTestCase, override_settings

from network import files

FLAGGED = "つながり検査用の見本ファイル（無害）\n".encode()
CLEAN = "会議の資料です。\n".encode()


def check(content: bytes, name: str = "資料.txt") -> files.Checked:
    return files.check(name, [content], declared_size=len(content))


class NoScannerTestCase(SimpleTestCase):
    @override_settings(NETWORK_FILE_SCANNER="")
    def test_it_stores_files_as_unscanned_when_no_scanner_is_configured(self) -> None:
        checked = check(FLAGGED)
        self.assertEqual((checked.scan, checked.scan_engine), ("unscanned", ""))

    @override_settings(NETWORK_FILE_SCANNER="virustotal")
    def test_it_refuses_an_unknown_scanner(self) -> None:
        with self.assertRaises(ImproperlyConfigured):
            check(CLEAN)

    @override_settings(NETWORK_FILE_SCANNER="clamav", NETWORK_CLAMSCAN="/nonexistent/clamscan")
    def test_a_configured_scanner_that_cannot_run_refuses_the_file(self) -> None:
        with self.assertRaisesMessage(
            ValidationError, "資料.txt: ウイルス検査ができなかったため添付できません。"
        ):
            check(CLEAN)


@unittest.skipUnless(shutil.which("clamscan"), "ClamAV (clamscan) is not installed on this machine")
class ClamAVTestCase(SimpleTestCase):
    def setUp(self) -> None:
        folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder)
        # a hash signature (.hdb: md5:size:name) for FLAGGED: the real engine, a signature of ours
        self.database = folder / "tsunagari.hdb"
        self.database.write_text(f"{hashlib.md5(FLAGGED).hexdigest()}:{len(FLAGGED)}:Tsunagari.Test.Sample\n")
        self.empty = folder / "empty"
        self.empty.mkdir()

    def test_it_marks_a_clean_file_scanned_and_refuses_a_flagged_one(self) -> None:
        with self.settings(NETWORK_FILE_SCANNER="clamav", NETWORK_CLAMAV_DATABASE=str(self.database)):
            checked = check(CLEAN)
            self.assertEqual((checked.scan, checked.scan_engine), ("clean", "ClamAV"))
            with self.assertRaisesMessage(ValidationError, "Tsunagari.Test.Sample"):
                check(FLAGGED, "案内.txt")

    def test_it_refuses_when_clamav_has_no_signatures(self) -> None:
        with self.settings(NETWORK_FILE_SCANNER="clamav", NETWORK_CLAMAV_DATABASE=str(self.empty)):
            with self.assertRaisesMessage(ValidationError, "ウイルス検査ができなかったため"):
                check(CLEAN)
