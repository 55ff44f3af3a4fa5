"""Base test case: two platforms and a person in every role, plus an outsider.

Every staff view is tested for the cross-tenant 404 with these fixtures
(see platforms/tests/test_url_matrix.py for the full URL × role matrix).
"""

from __future__ import annotations

import datetime
import io
import re
import struct
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast
from unittest import mock

from django.core.management import call_command
from django.db import connection, connections
from django.test import Client, TestCase, TransactionTestCase
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scopes_disabled
from django_tasks_db.management.commands import db_worker

from accounts.models import Role, User
from partnership.models import ActivityField, MemberOrganisation, MemberTier, OrgType
from platforms.models import Platform
from platforms.services.creation import do_create_platform
from tsunagari.lib import mail

PASSWORD = "correct horse battery staple"


def make_member(platform: Platform, name: str, **extra) -> MemberOrganisation:
    """A complete, approved member organisation (all fields published unless told otherwise)."""
    with scopes_disabled():
        fields = extra.pop("fields", None)
        defaults = dict(
            name_kana="てすとだんたい",
            org_type=OrgType.NPO,
            representative="山田 太郎",
            postal_code="500-8570",
            address="岐阜県岐阜市薮田南2丁目1番1号",
            phone="058-272-1111",
            email=f"info{MemberOrganisation.objects.count()}@example.jp",
            contact_person="佐藤 花子",
            website="https://example.jp/",
            area="岐阜市全域",
            description="居場所づくりと相談支援を行っています。",
            published_fields=["name", "fields", "area", "description", "website"],
            joined_on=datetime.date(2024, 4, 1),
            tier=MemberTier.objects.filter(platform=platform, is_default=True).first(),
        )
        defaults.update(extra)
        member = MemberOrganisation.objects.create(platform=platform, name=name, **defaults)
        member.fields.set(fields if fields is not None else ActivityField.objects.filter(code="poverty"))
        return member


def run_tasks() -> str:
    """Run the real django-tasks database worker until its queues are empty; returns its output.

    On SQLite with transaction_mode IMMEDIATE the worker opens its own ``BEGIN EXCLUSIVE``,
    which cannot nest in the test case's transaction; saying EXCLUSIVE (the same as IMMEDIATE
    in WAL mode) makes it use ``transaction.atomic`` instead, i.e. a savepoint here. Between
    tasks the worker closes "old" connections, which inside a test case would close the test's
    own connection, so that hook is kept from running (Django's test client does the same).
    """
    out = io.StringIO()
    mode = getattr(connection, "transaction_mode", None)
    if connection.vendor == "sqlite":
        cast(Any, connection).transaction_mode = "EXCLUSIVE"
    keep_connection = mock.patch.object(db_worker, "close_old_connections", lambda: None)
    try:
        keep_connection.start()
        call_command(
            "db_worker",
            "--batch",
            "--queue-name",
            "*",
            "--no-startup-delay",
            "--no-reload",
            stdout=out,
            stderr=out,
            verbosity=0,
        )
    finally:
        keep_connection.stop()
        if connection.vendor == "sqlite":
            cast(Any, connection).transaction_mode = mode
    return out.getvalue()


def restore_serialized_contents(databases: Any) -> None:
    """Put back the rows the test database was created with (data migrations: the shared
    taxonomy, the activity fields...) after a TransactionTestCase's last flush emptied it.

    Django runs those test cases after the others, but pytest-xdist's ``--dist loadscope``
    schedules the largest classes first, so a TestCase that runs later in the same process
    would find the data migrations' rows gone."""
    for alias in connections:
        contents = connections[alias].__dict__.get("_test_serialized_contents")
        if contents is not None and alias in databases:
            connections[alias].creation.deserialize_db_from_string(contents)


class RestoringTransactionTestCase(TransactionTestCase):
    """A TransactionTestCase (its tests commit) that starts each test from the database's
    serialized contents and leaves them behind when the class ends."""

    serialized_rollback = True

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        restore_serialized_contents(cls.databases)


class BaseTestCase(TestCase):
    """Platform ``alpha`` (Gifu-like prefecture) with one user per role; ``beta`` is another tenant."""

    platform: Platform
    other_platform: Platform
    member_org: MemberOrganisation
    other_member: MemberOrganisation
    users: dict[str, User]
    admin: User
    outsider: User

    @classmethod
    def setUpTestData(cls) -> None:
        with scopes_disabled():
            cls.platform = do_create_platform(slug="alpha", code="210005", name="アルファ県PF")
            cls.other_platform = do_create_platform(slug="beta", code="212016", name="ベータ市PF")
            cls.member_org = make_member(cls.platform, "NPO法人アルファ支援ネット")
            cls.other_member = make_member(cls.other_platform, "NPO法人ベータ支援ネット")
            cls.users = {}
            for kind, _label in Role.KINDS:
                user = User.objects.create_user(f"{kind}@alpha.example.jp", PASSWORD, name=kind)
                Role.objects.create(
                    user=user,
                    platform=cls.platform,
                    kind=kind,
                    organisation=cls.member_org if kind == Role.MEMBER_STAFF else None,
                )
                cls.users[kind] = user
            cls.admin = cls.users[Role.SECRETARIAT_ADMIN]
            cls.outsider = User.objects.create_user("admin@beta.example.jp", PASSWORD, name="outsider")
            Role.objects.create(user=cls.outsider, platform=cls.other_platform, kind=Role.SECRETARIAT_ADMIN)

    def login(self, user: User, client: Client | None = None) -> Client:
        """Log in with a verified second factor (as after a successful TOTP check)."""
        client = client or self.client
        client.force_login(user)
        device, _created = TOTPDevice.objects.get_or_create(
            user=user, name="test", defaults={"confirmed": True}
        )
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        return client

    def url(self, name: str, *args, platform: Platform | None = None, **kwargs) -> str:
        from django.urls import reverse

        slug = (platform or self.platform).slug
        return reverse(name, args=[slug, *args], kwargs=kwargs or None)

    @contextmanager
    def mail_sent(self) -> Iterator[None]:
        """Run the block's commit hooks, then send the mail it queued (as the worker does)."""
        with self.captureOnCommitCallbacks(execute=True):
            yield
        mail.send_due()


def whole_sheet_declared(content: bytes, *, last_row: int = 1_048_576) -> bytes:
    """The workbook ``content`` with each sheet claiming the whole grid (``A1:XFD1048576``) and an
    empty formatted row at ``last_row``, as Excel saves a sheet whose whole columns are formatted."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', data)
                data = data.replace(
                    b"</sheetData>", f'<row r="{last_row}" s="1" customFormat="1"/></sheetData>'.encode()
                )
            target.writestr(info.filename, data)
    return out.getvalue()


def understated_part(content: bytes, part: str) -> bytes:
    """The archive ``content`` whose entry ``part`` says it unpacks to 100 bytes while holding more
    (both the local header and the central directory lie; the data and its CRC are unchanged)."""
    data = bytearray(content)
    info = zipfile.ZipFile(io.BytesIO(content)).getinfo(part)
    # Local file header: the uncompressed size at offset 22.
    struct.pack_into("<I", data, info.header_offset + 22, 100)
    # Central directory entry: find it by the file name after the fixed 46-byte part.
    name = part.encode()
    at = data.find(b"PK\x01\x02")
    while at != -1:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46 : at + 46 + length]) == name:
            struct.pack_into("<I", data, at + 24, 100)
            break
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)
