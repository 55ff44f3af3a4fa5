"""The navigator never answers 5xx (issue 19): every filter and guide combination at the hours
when windows are closed, and fuzzed GET parameters on every resident page.

The sweep requests every combination of the navigator's filters (category × who × how × free ×
open_now × q) and every answer path of the guide, with the clock frozen at a weekday night,
a Sunday, a national holiday and 12/31, over a directory with the national lines and local
windows of every category (some with hours, some 24-hour, some none). The fuzzing (hypothesis,
derandomised so that a run is repeatable) throws long, empty, odd-Unicode, control-character,
10,000-character, list-valued and unknown values at every GET parameter the resident pages
read, plus unknown parameters. Run it on PostgreSQL too (see README).
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import time_machine
from django.db import connection
from django.test import override_settings
from django_scopes import scope, scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from directory.models import Service, SupportListSettings
from directory.navigator.forms import CATEGORY_CHOICES, HOW_CHOICES, WHO_CHOICES
from directory.services.national import do_import_national
from directory.taxonomy import CATEGORIES
from directory.tests.search_helpers import make_service
from surveys.services.questionnaire import do_create_survey, do_open_survey
from tsunagari.lib.testing import BaseTestCase

JST = dt.timezone(dt.timedelta(hours=9))
# When local windows are closed.
MOMENTS = {
    "weekday 03:40": dt.datetime(2026, 12, 2, 3, 40, tzinfo=JST),  # Wednesday
    "Sunday 14:00": dt.datetime(2026, 12, 6, 14, 0, tzinfo=JST),
    "祝日 (文化の日) 10:00": dt.datetime(2026, 11, 3, 10, 0, tzinfo=JST),
    "12/31 21:00": dt.datetime(2026, 12, 31, 21, 0, tzinfo=JST),
}
QUERIES = ("", "死にたい")  # an ordinary search and the crisis path
CATEGORY_VALUES = [code for code, _label in CATEGORY_CHOICES]
WHO_VALUES = [code for code, _label in WHO_CHOICES]
HOW_VALUES = [code for code, _label in HOW_CHOICES]


def make_directory(platform: Any) -> None:
    """National lines plus local windows of every category: weekday, weekend, 24-hour, none."""
    with scope(platform=platform):
        do_import_national(platform)
    hours = (
        [("MO,TU,WE,TH,FR", "08:30", "17:15")],
        [("SA,SU", "10:00", "16:00")],
        [("MO,WE,FR", "18:00", "02:00")],  # past midnight
        [],
    )
    for i, (code, name, _description) in enumerate(CATEGORIES):
        make_service(
            platform,
            f"{name}の相談窓口",
            f"{name}について、仕事やくらしの相談を聞きます。チャットでも相談できます。",
            terms=[code],
            phone=f"058-100-{1000 + i}",
            is_free=i % 2 == 0,
            target_groups=[["self"], ["family"], ["supporter"], []][i % 4],
            point=(35.42 + i / 1000, 136.76) if i % 3 else None,
            hours=hours[i % len(hours)],
        )
    make_service(platform, "よりそい居場所（24時間）", "ひとりぼっちの夜に。", is_24h=True, is_free=True)
    with scopes_disabled():
        SupportListSettings.objects.create(
            platform=platform,
            fallback_name="アルファ県福祉総合相談窓口",
            fallback_phone="058-000-1111",
            fallback_hours="月〜金 8:30〜17:15（土日祝・年末年始を除く）",
        )


# Thousands of searches from one test client: the per-client limit (tested in tsunagari) is off.
@override_settings(PUBLIC_RATE_LIMITS={})
class NeverFiveHundredTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        make_directory(cls.platform)

    def assert_answers(self, failures: list[str], total: int) -> None:
        self.assertEqual(
            failures[:20], [], f"{len(failures)} of {total} requests failed on {connection.vendor}"
        )

    def test_it_answers_every_navigator_filter_combination_at_any_hour(self) -> None:
        search = self.url("directory:search")
        combinations = list(itertools.product(CATEGORY_VALUES, WHO_VALUES, HOW_VALUES, ("", "on"), QUERIES))
        failures: list[str] = []
        requests = after_hours = 0
        # Closed hours matter with 今開いている窓口だけ: every moment with it, one without it.
        runs = [(name, "on") for name in MOMENTS] + [("weekday 03:40", "")]
        for moment_name, open_now in runs:
            with time_machine.travel(MOMENTS[moment_name], tick=False):
                for category, who, how, free, q in combinations:
                    params = {
                        "category": category,
                        "who": who,
                        "how": how,
                        "free": free,
                        "open_now": open_now,
                        "q": q,
                    }
                    params = {k: v for k, v in params.items() if v}
                    response = self.client.get(search, params)
                    requests += 1
                    with self.subTest(moment=moment_name, **params):
                        self.assertEqual(response.status_code, 200)
                    if response.status_code != 200:
                        failures.append(f"{moment_name} {params}: {response.status_code}")
                    elif open_now and "今開いている地域の窓口はありません" in response.content.decode():
                        # Nothing local open: the fallback window and its next opening are there.
                        self.assertContains(response, "アルファ県福祉総合相談窓口")
                        after_hours += 1
        print(
            f"\nnavigator sweep on {connection.vendor}: {requests} requests, {len(failures)} failures, "
            f"{after_hours} answered with the after-hours help"
        )
        self.assertGreater(after_hours, 0)
        self.assert_answers(failures, requests)

    def test_it_follows_every_guide_answer_path_to_an_answer(self) -> None:
        guide = self.url("directory:guide")
        who = ["", *[v for v in WHO_VALUES if v]]
        category = ["", *[v for v in CATEGORY_VALUES if v]]
        when = ["", "now", "later"]
        failures: list[str] = []
        requests = 0
        asked: set[tuple] = set()
        for moment_name in ("weekday 03:40", "祝日 (文化の日) 10:00"):
            with time_machine.travel(MOMENTS[moment_name], tick=False):
                for answers in itertools.product(who, category, HOW_VALUES, when):
                    params = dict(zip(("who", "category", "how", "when"), answers, strict=True))
                    # Every step on the way (the earlier answers as hidden fields), once each.
                    for step in range(1, 4):
                        partial = dict(list(params.items())[:step])
                        if tuple(partial.items()) in asked:
                            continue
                        asked.add(tuple(partial.items()))
                        response = self.client.get(guide, partial)
                        requests += 1
                        if response.status_code != 200:
                            failures.append(f"{partial}: {response.status_code}")
                    # The last answer leads to the search, at night and on a holiday.
                    response = self.client.get(guide, params, follow=True)
                    requests += 2
                    with self.subTest(moment=moment_name, **params):
                        self.assertEqual(response.redirect_chain[0][1], 302)
                        self.assertEqual(response.status_code, 200)
                    if response.status_code != 200:
                        failures.append(f"{moment_name} {params}: {response.status_code}")
        print(f"\nguide sweep on {connection.vendor}: {requests} requests, {len(failures)} failures")
        self.assert_answers(failures, requests)


# Values no form expects: empty, long, odd Unicode, control characters, numbers of every size.
ODD_TEXT = st.one_of(
    st.just(""),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=300),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=20),
    st.sampled_from(
        [
            "x" * 10_000,
            "死にたい" * 2500,
            "ｼﾆﾀｲ　ＯＤ\u200b\u202e\ufeff",
            "🙂‍↔️👨‍👩‍👧",
            "\x00",
            "%00",
            "-1",
            "0",
            "99999999999999999999",
            "1e9",
            "NaN",
            "[]",
            "{}",
            "on",
            "true",
            "cat-nothing",
            "../../etc/passwd",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
        ]
    ),
)
VALUE = st.one_of(ODD_TEXT, st.lists(ODD_TEXT, min_size=2, max_size=3), st.integers().map(str))

PAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    # name: (URL name, GET parameters the page reads)
    "home": ("directory:home", ("easy",)),
    "search": (
        "directory:search",
        ("q", "category", "postcode", "who", "how", "free", "open_now", "page", "guided", "easy"),
    ),
    "guide": ("directory:guide", ("who", "category", "how", "when", "easy")),
    "map": ("directory:map", ("easy",)),
    "register": ("partnership:register", ("q", "org_type", "field", "area", "page")),
    "join": ("partnership:join", ()),
    "chat": ("consultations:chat", ()),
    "service": ("directory:service_page", ("easy",)),
    "survey": ("surveys:start", ("easy", "code")),
    "support-list": ("directory:support_list_pdf", ("size",)),
}


def params_for(names: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    known = st.fixed_dictionaries({}, optional=dict.fromkeys(names, VALUE))
    unknown = st.dictionaries(st.text(min_size=1, max_size=12), VALUE, max_size=2)
    return st.builds(lambda a, b: {**b, **a}, known, unknown)


FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@override_settings(PUBLIC_RATE_LIMITS={})
class FuzzedParametersTestCase(HypothesisTestCase, BaseTestCase):
    """Each example in its own transaction (hypothesis.extra.django)."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        make_directory(cls.platform)
        with scope(platform=cls.platform):
            cls.service = Service.objects.public().first()
            do_open_survey(
                do_create_survey(cls.platform, slug="kodoku", title="実態調査", template="national")
            )

    def check(self, page: str, params: dict[str, Any]) -> None:
        url_name, _names = PAGES[page]
        args = {"service": [self.service.uuid], "survey": ["kodoku"]}.get(page, [])
        if page == "support-list" and params.get("size") in ("a4", "a5"):
            params = {**params, "size": "x"}  # the PDF itself is tested in directory; its parameter here
        with time_machine.travel(MOMENTS["weekday 03:40"], tick=False):
            response = self.client.get(self.url(url_name, *args), params)
        self.assertLess(response.status_code, 500, f"{page} {params!r}")

    @FUZZ
    @given(st.sampled_from(sorted(PAGES)).flatmap(lambda p: st.tuples(st.just(p), params_for(PAGES[p][1]))))
    def test_it_answers_fuzzed_parameters_on_every_resident_page(
        self, case: tuple[str, dict[str, Any]]
    ) -> None:
        self.check(*case)

    @FUZZ
    @given(params_for(PAGES["search"][1]))
    def test_it_answers_fuzzed_search_parameters(self, params: dict[str, Any]) -> None:
        self.check("search", params)

    @FUZZ
    @given(params_for(PAGES["guide"][1]))
    def test_it_answers_fuzzed_guide_answers(self, params: dict[str, Any]) -> None:
        self.check("guide", params)

    def test_it_answers_the_named_bad_inputs(self) -> None:
        for params in (
            {"q": "x" * 10_000},
            {"q": "相談\x00\x07\x1b[31m"},
            {"category": "cat-nothing"},
            {"page": "499", "q": "相談"},  # beyond the last page
            {"page": "501"},
            {"page": "-3"},
            {"page": "abc"},
            {"who": ["self", "family"], "open_now": ["on", "off"]},
            {"postcode": "〒１２３－４５６７８９"},
        ):
            with self.subTest(params=params):
                self.check("search", params)
        response = self.client.get(self.url("directory:search"), {"q": "相談", "page": "499"})
        self.assertContains(response, "このページに表示する窓口はありません。")
        self.assertNotContains(response, "条件に合う窓口が見つかりませんでした")
