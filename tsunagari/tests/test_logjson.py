from __future__ import annotations

import json
import logging

from django.test import SimpleTestCase

from tsunagari.lib.logjson import JsonFormatter


class JsonLogTestCase(SimpleTestCase):
    def test_it_writes_one_json_object_with_extra_fields_and_the_exception(self) -> None:
        record = logging.LogRecord(
            "tsunagari.scheduler", logging.ERROR, __file__, 1, "job %s failed", ("retention",), None
        )
        record.job = "consult_retention"
        try:
            raise ValueError("boom")
        except ValueError:
            import sys

            record.exc_info = sys.exc_info()
        line = JsonFormatter().format(record)
        self.assertNotIn("\n", line.replace("\\n", ""))
        entry = json.loads(line)
        self.assertEqual(entry["message"], "job retention failed")
        self.assertEqual(entry["level"], "ERROR")
        self.assertEqual(entry["job"], "consult_retention")
        self.assertIn("ValueError: boom", entry["exception"])

    def test_it_keeps_japanese_readable(self) -> None:
        record = logging.LogRecord("x", logging.INFO, __file__, 1, "予約を受け付けました", (), None)
        self.assertIn("予約を受け付けました", JsonFormatter().format(record))
