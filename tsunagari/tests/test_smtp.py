from django.core.mail import send_mail
from django.test import SimpleTestCase

from tsunagari.lib.smtp import body_of, smtp_server


class SmtpServerTestCase(SimpleTestCase):
    def test_it_delivers_japanese_mail_over_smtp(self) -> None:
        with smtp_server() as inbox:
            send_mail("件名テスト", "本文です。", "from@example.jp", ["to@example.jp"])
        self.assertEqual(len(inbox), 1)
        self.assertEqual(inbox[0]["Subject"], "件名テスト")
        self.assertIn("本文です。", body_of(inbox[0]))
        self.assertEqual(inbox[0]["X-Envelope-To"], "to@example.jp")
