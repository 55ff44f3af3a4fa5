from __future__ import annotations

from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django_scopes import scope

from consultations.crypto import blind_index
from consultations.models import Channel, ChannelKind, Consulter, Conversation, Message
from tsunagari.lib.testing import BaseTestCase

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        value = cursor.fetchone()[0]
    return value if isinstance(value, str) else bytes(value).decode("ascii")


class CryptoTestCase(BaseTestCase):
    def _message(self, text: str) -> Message:
        with scope(platform=self.platform):
            channel = Channel.objects.create(platform=self.platform, kind=ChannelKind.WEB, name="Web")
            person = Consulter.objects.create(
                platform=self.platform, channel=channel, identity_hash=blind_index("x", "t"), label="AAAA"
            )
            conversation = Conversation.objects.create(
                platform=self.platform, consulter=person, channel=channel
            )
            return Message.objects.create(
                platform=self.platform, conversation=conversation, direction="in", text=text, image=b"\x89PNG"
            )

    def test_it_stores_message_text_and_images_only_encrypted(self) -> None:
        message = self._message("死にたいと思うことがある")
        stored = raw("consultations_message", "text", message.pk)
        self.assertNotIn("死にたい", stored)
        self.assertTrue(stored.startswith("gAAAA"))
        self.assertNotIn("PNG", raw("consultations_message", "image", message.pk))
        with scope(platform=self.platform):
            again = Message.objects.get(pk=message.pk)
        self.assertEqual(again.text, "死にたいと思うことがある")
        self.assertEqual(bytes(again.image), b"\x89PNG")

    def test_it_reencrypts_everything_under_a_new_key_so_the_old_one_can_go(self) -> None:
        with override_settings(CONSULTATION_KEYS=[OLD]):
            message = self._message("家族のこと")
            before = raw("consultations_message", "text", message.pk)
        with override_settings(CONSULTATION_KEYS=[NEW, OLD]):
            call_command("reencrypt_consultations", stdout=open("/dev/null", "w"))
        after = raw("consultations_message", "text", message.pk)
        self.assertNotEqual(before, after)
        with override_settings(CONSULTATION_KEYS=[NEW]), scope(platform=self.platform):
            self.assertEqual(Message.objects.get(pk=message.pk).text, "家族のこと")
            self.assertEqual(bytes(Message.objects.get(pk=message.pk).image), b"\x89PNG")

    def test_it_refuses_to_rotate_when_a_value_fits_no_key(self) -> None:
        with override_settings(CONSULTATION_KEYS=[OLD]):
            self._message("仕事のこと")
        with override_settings(CONSULTATION_KEYS=[NEW]), self.assertRaises(CommandError):
            call_command("reencrypt_consultations", stdout=open("/dev/null", "w"))

    def test_it_hashes_identities_with_a_key_not_in_clear(self) -> None:
        digest = blind_index("U1234567890abcdef", "line")
        self.assertEqual(len(digest), 64)
        self.assertNotIn("U1234567890abcdef", digest)
        self.assertNotEqual(digest, blind_index("U1234567890abcdef", "web"))
