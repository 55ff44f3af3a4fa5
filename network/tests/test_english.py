"""English help text of the network forms that is built when the module is imported."""

from __future__ import annotations

from django.test import SimpleTestCase
from django.utils import translation

from network.forms.pages import FILES_HELP


class FilesHelpTestCase(SimpleTestCase):
    def test_it_shows_the_attachment_limits_in_the_language_of_the_request(self) -> None:
        with translation.override("en"):
            self.assertTrue(str(FILES_HELP).startswith("PDF, images (PNG/JPEG)"), str(FILES_HELP))
            self.assertIn("at most 5 files", str(FILES_HELP))
        with translation.override("ja"):
            self.assertTrue(str(FILES_HELP).startswith("PDF・画像"), str(FILES_HELP))
