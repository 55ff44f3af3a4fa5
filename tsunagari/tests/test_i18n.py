"""English UI: the catalogue in locale/en is complete and the pages switch language.

Japanese is the source language (msgids are Japanese); English comes from locale/en/LC_MESSAGES.
"""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tsunagari.lib.testing import BaseTestCase

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
# The project catalogue and every app's own (see ``manage.py update_messages``).
CATALOGUES = [LOCALE_DIR / "django.po"] + sorted(
    p
    for p in Path(settings.BASE_DIR).glob("*/locale/en/LC_MESSAGES/django.po")
    if not p.is_relative_to(Path(settings.BASE_DIR) / ".venv")
)
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdf]")


def read_po(path: Path) -> list[dict[str, object]]:
    """Entries of a .po file as dicts: msgid, msgid_plural, msgstr (str or {index: str}), fuzzy."""
    entries: list[dict[str, object]] = []
    entry: dict[str, object] = {}
    key: tuple[str, int | None] | None = None

    def flush() -> None:
        nonlocal entry
        if "msgid" in entry and not entry.get("obsolete"):
            entries.append(entry)
        entry = {}

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            key = None
            continue
        if line.startswith("#~"):
            entry["obsolete"] = True
            continue
        if line.startswith("#,"):
            entry["fuzzy"] = "fuzzy" in line
            continue
        if line.startswith("#"):
            continue
        match = re.match(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line)
        if match:
            name, index, text = match.group(1), match.group(2), match.group(3)
            key = (name, int(index) if index is not None else None)
            value = ast.literal_eval(text)
            if key[1] is None:
                entry[name] = value
            else:
                entry.setdefault("msgstr_plural", {})[key[1]] = value  # type: ignore[union-attr]
            continue
        assert key is not None and line.startswith('"'), f"unexpected line in {path}: {raw!r}"
        value = ast.literal_eval(line)
        if key[1] is None:
            entry[key[0]] = str(entry[key[0]]) + value
        else:
            plural = entry["msgstr_plural"]
            assert isinstance(plural, dict)
            plural[key[1]] += value
    flush()
    return entries


class CatalogueTestCase(BaseTestCase):
    def test_it_translates_every_message_without_fuzzy_guesses(self) -> None:
        entries = [(po, e) for po in CATALOGUES for e in read_po(po) if e["msgid"]]
        self.assertGreater(len(entries), 500)
        for po, e in entries:
            with self.subTest(catalogue=str(po), msgid=e["msgid"]):
                self.assertFalse(e.get("fuzzy"), "fuzzy entry")
                if "msgid_plural" in e:
                    forms = e["msgstr_plural"]
                    assert isinstance(forms, dict)
                    self.assertEqual(sorted(forms), [0, 1])
                    self.assertTrue(all(forms.values()), "empty plural form")
                else:
                    self.assertTrue(e["msgstr"], "untranslated")

    def test_it_keeps_every_placeholder(self) -> None:
        for e in (e for po in CATALOGUES for e in read_po(po)):
            if not e["msgid"]:
                continue
            wanted = sorted(set(PLACEHOLDER.findall(str(e["msgid"]))))
            wanted = sorted({re.sub(r"[-#0 +\d.]+(?=[sdf]$)", "", p) for p in wanted})
            translations = (
                list(e["msgstr_plural"].values())  # type: ignore[union-attr]
                if "msgid_plural" in e
                else [e["msgstr"]]
            )
            for text in translations:
                got = sorted(
                    {re.sub(r"[-#0 +\d.]+(?=[sdf]$)", "", p) for p in PLACEHOLDER.findall(str(text))}
                )
                with self.subTest(msgid=e["msgid"]):
                    self.assertEqual(got, wanted)

    def test_it_ships_a_compiled_catalogue_that_matches_the_po_file(self) -> None:
        for po in CATALOGUES:
            self.assert_compiled(po)

    def assert_compiled(self, po: Path) -> None:
        with po.with_suffix(".mo").open("rb") as fh:
            catalog = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
        for e in read_po(po):
            if not e["msgid"]:
                continue
            msgid = str(e["msgid"])
            if "msgctxt" in e:
                msgid = f"{e['msgctxt']}\x04{msgid}"
            with self.subTest(msgid=msgid):
                if "msgid_plural" in e:
                    forms = e["msgstr_plural"]
                    assert isinstance(forms, dict)
                    for index, text in forms.items():
                        self.assertEqual(catalog.get((msgid, index)), text, "stale .mo: run compilemessages")
                else:
                    self.assertEqual(catalog.get(msgid), e["msgstr"], "stale .mo: run compilemessages")

    def test_it_uses_the_english_plural_forms(self) -> None:
        with translation.override("en"):
            self.assertEqual(ngettext("%(n)s団体", "%(n)s団体", 1) % {"n": 1}, "1 organisation")
            self.assertEqual(ngettext("%(n)s団体", "%(n)s団体", 3) % {"n": 3}, "3 organisations")
            self.assertEqual(_("事務局"), "Secretariat")
        with translation.override("ja"):
            self.assertEqual(ngettext("%(n)s団体", "%(n)s団体", 3) % {"n": 3}, "3団体")


class LanguageSwitchTestCase(BaseTestCase):
    def english_client(self) -> Client:
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    def assert_english(self, html: str, present: list[str], absent: list[str]) -> None:
        for text in present:
            self.assertIn(text, html)
        for text in absent:
            self.assertNotIn(text, html)

    def test_it_renders_the_public_join_page_in_english_with_the_language_cookie(self) -> None:
        response = self.english_client().get(self.url("partnership:join"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Language"], "en")
        self.assert_english(
            response.content.decode(),
            present=[
                "Membership application",
                "Type of organisation",
                "Organisation name",
                "Individuals cannot join.",
                "Required",
                ">Apply<",
                "Skip to main content",
            ],
            absent=["入会申込", "団体の種別", "申し込む", "必須", "反社会的勢力", "本文へ移動"],
        )

    def test_it_renders_the_public_register_in_english_with_accept_language(self) -> None:
        response = self.client.get(self.url("partnership:register"), HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assert_english(
            html,
            present=["Member register", "Fields of activity", "1 organisation found.", "Filter"],
            absent=["会員名簿", "活動分野", "団体が見つかりました", "絞り込む"],
        )
        # Content entered by organisations stays as written.
        self.assertIn(self.member_org.name, html)

    def test_it_renders_the_staff_login_page_in_english(self) -> None:
        response = self.english_client().get(reverse("accounts:login"))
        self.assertEqual(response.status_code, 200)
        self.assert_english(
            response.content.decode(),
            present=["Staff login", "Email address", "Log in", "Forgotten your password"],
            absent=["スタッフログイン", "メールアドレス", "パスワードを忘れた方"],
        )

    def test_it_renders_japanese_by_default(self) -> None:
        for url in [
            self.url("partnership:join"),
            self.url("partnership:register"),
            reverse("accounts:login"),
        ]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.headers["Content-Language"], "ja")
                html = response.content.decode()
                self.assertIn("本文へ移動", html)
                self.assertNotIn("Skip to main content", html)
        html = self.client.get(self.url("partnership:join")).content.decode()
        self.assertIn("団体の種別", html)
        self.assertNotIn("Type of organisation", html)

    def test_it_switches_language_with_the_set_language_form(self) -> None:
        join = self.url("partnership:join")
        response = self.client.post(reverse("set_language"), {"language": "en", "next": join})
        self.assertRedirects(response, join, fetch_redirect_response=False)
        self.assertEqual(self.client.cookies[settings.LANGUAGE_COOKIE_NAME].value, "en")
        html = self.client.get(join).content.decode()
        self.assertIn("Type of organisation", html)
        self.assertNotIn("団体の種別", html)
        # The footer form offers the way back, and switching back works.
        self.assertIn('action="/i18n/setlang/"', html)
        self.client.post(reverse("set_language"), {"language": "ja", "next": join})
        html = self.client.get(join).content.decode()
        self.assertIn("団体の種別", html)
        self.assertNotIn("Type of organisation", html)

    def test_it_falls_back_to_japanese_for_a_language_it_does_not_offer(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        response = self.client.get(self.url("partnership:join"), HTTP_ACCEPT_LANGUAGE="fr, de;q=0.8")
        self.assertEqual(response.headers["Content-Language"], "ja")
        self.assertIn("団体の種別", response.content.decode())

    def test_it_shows_staff_pages_in_english_for_a_logged_in_secretariat(self) -> None:
        client = self.english_client()
        self.login(self.admin, client)
        response = client.get(self.url("platforms:dashboard"))
        self.assertEqual(response.status_code, 200)
        self.assert_english(
            response.content.decode(),
            present=["Secretariat home", "Staff menu", "Membership screening"],
            absent=["事務局ホーム", "業務メニュー", "入会審査"],
        )
