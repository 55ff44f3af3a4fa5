import datetime

from django.core.exceptions import ValidationError
from django_scopes import scope, scopes_disabled
from django_scopes.exceptions import ScopeError

from directory import taxonomy
from directory.models import Organization, Schedule, Service, ServiceArea, TaxonomyTerm
from directory.services import national
from tsunagari.lib.testing import BaseTestCase


def make_service(platform, name="相談窓口", **extra):  # type: ignore[no-untyped-def]
    with scopes_disabled():
        org = Organization.objects.create(platform=platform, name=f"{name}の団体")
        defaults = {"is_published": True}
        defaults.update(extra)
        return Service.objects.create(platform=platform, organization=org, name=name, **defaults)


class TaxonomyTestCase(BaseTestCase):
    def test_it_seeds_the_shared_categories_and_topics(self) -> None:
        terms = TaxonomyTerm.objects.available_to(None)
        categories = list(terms.filter(taxonomy_ref=taxonomy.CATEGORIES_ID).values_list("name", flat=True))
        self.assertEqual(
            categories,
            [
                "お金・住まい",
                "仕事",
                "子ども・子育て",
                "学校・教育",
                "健康",
                "高齢介護",
                "障がい",
                "人間関係・その他",
            ],
        )
        topics = set(terms.filter(taxonomy_ref=taxonomy.TOPICS_ID).values_list("name", flat=True))
        self.assertIn("希死念慮・自傷", topics)
        self.assertEqual(len(topics), 14)
        self.assertEqual(terms.get(code="cat-money").uuid, taxonomy.term_id("cat-money"))

    def test_it_shows_a_platforms_own_terms_only_to_that_platform(self) -> None:
        TaxonomyTerm.objects.create(platform=self.other_platform, name="ベータ独自", description="")
        self.assertFalse(TaxonomyTerm.objects.available_to(self.platform).filter(name="ベータ独自").exists())
        self.assertTrue(
            TaxonomyTerm.objects.available_to(self.other_platform).filter(name="ベータ独自").exists()
        )


class ServiceQuerySetTestCase(BaseTestCase):
    def test_it_fails_closed_outside_a_platform_scope(self) -> None:
        with self.assertRaises(ScopeError):
            list(Service.objects.all())

    def test_it_lists_public_crisis_lines_24_hour_first(self) -> None:
        night = make_service(self.platform, "夜の電話", is_crisis_line=True, name_kana="よるのでんわ")
        allday = make_service(self.platform, "24時間電話", is_crisis_line=True, is_24h=True, name_kana="ん")
        make_service(self.platform, "非公開の電話", is_crisis_line=True, is_published=False)
        make_service(self.platform, "生活相談")
        make_service(self.other_platform, "他の電話", is_crisis_line=True)
        with scope(platform=self.platform):
            self.assertEqual(list(Service.objects.crisis_lines()), [allday, night])

    def test_it_hides_defunct_services(self) -> None:
        make_service(self.platform, "終了した窓口", status=Service.Status.DEFUNCT)
        with scope(platform=self.platform):
            self.assertFalse(Service.objects.public().exists())

    def test_it_validates_target_groups_and_municipality_codes(self) -> None:
        service = make_service(self.platform, target_groups=["self", "nobody"])
        with scope(platform=self.platform):
            with self.assertRaises(ValidationError):
                service.full_clean()
            area = ServiceArea(
                platform=self.platform, service=service, name="伊勢市", municipality_code="242038"
            )
            with self.assertRaises(ValidationError) as raised:
                area.full_clean()
            self.assertIn("municipality_code", raised.exception.message_dict)
            area.municipality_code = "242039"
            area.full_clean()


class ScheduleTestCase(BaseTestCase):
    def schedule(self, **fields) -> Schedule:  # type: ignore[no-untyped-def]
        return Schedule(platform=self.platform, **fields)

    def test_it_opens_on_weekdays_within_hours(self) -> None:
        rule = self.schedule(
            freq="WEEKLY",
            byday="MO,TU,WE,TH,FR",
            opens_at=datetime.time(8, 30),
            closes_at=datetime.time(17, 15),
        )
        monday = datetime.datetime(2026, 11, 23, 9, 0)
        self.assertTrue(rule.is_open_at(monday))
        self.assertFalse(rule.is_open_at(monday.replace(hour=17, minute=15)))
        self.assertFalse(rule.is_open_at(datetime.datetime(2026, 11, 22, 9, 0)))  # Sunday

    def test_it_understands_the_third_thursday(self) -> None:
        rule = self.schedule(
            freq="MONTHLY", byday="3TH", opens_at=datetime.time(9, 30), closes_at=datetime.time(11, 30)
        )
        self.assertTrue(rule.occurs_on(datetime.date(2026, 11, 19)))
        self.assertFalse(rule.occurs_on(datetime.date(2026, 11, 12)))
        self.assertFalse(rule.occurs_on(datetime.date(2026, 11, 26)))

    def test_it_understands_the_last_friday_and_month_days(self) -> None:
        last_friday = self.schedule(freq="MONTHLY", byday="-1FR")
        self.assertTrue(last_friday.occurs_on(datetime.date(2026, 11, 27)))
        self.assertFalse(last_friday.occurs_on(datetime.date(2026, 11, 20)))
        tenth = self.schedule(freq="MONTHLY", bymonthday="10")
        self.assertTrue(tenth.occurs_on(datetime.date(2026, 12, 10)))
        self.assertFalse(tenth.occurs_on(datetime.date(2026, 12, 11)))

    def test_it_runs_overnight_hours_past_midnight(self) -> None:
        rule = self.schedule(
            freq="WEEKLY", byday="FR", opens_at=datetime.time(19), closes_at=datetime.time(2)
        )
        self.assertTrue(rule.is_open_at(datetime.datetime(2026, 11, 27, 23, 0)))  # Friday night
        self.assertTrue(rule.is_open_at(datetime.datetime(2026, 11, 28, 1, 0)))  # early Saturday
        self.assertFalse(rule.is_open_at(datetime.datetime(2026, 11, 28, 3, 0)))
        self.assertFalse(rule.is_open_at(datetime.datetime(2026, 11, 27, 1, 0)))  # early Friday

    def test_it_treats_equal_opening_and_closing_as_24_hours_and_respects_validity(self) -> None:
        rule = self.schedule(
            freq="WEEKLY",
            byday="MO,TU,WE,TH,FR,SA,SU",
            opens_at=datetime.time(0),
            closes_at=datetime.time(0),
            valid_to=datetime.date(2026, 12, 31),
        )
        self.assertTrue(rule.is_open_at(datetime.datetime(2026, 11, 29, 3, 0)))
        self.assertFalse(rule.is_open_at(datetime.datetime(2027, 1, 1, 3, 0)))

    def test_it_honours_the_interval(self) -> None:
        rule = self.schedule(freq="WEEKLY", byday="MO", interval=2, dtstart=datetime.date(2026, 11, 2))
        self.assertTrue(rule.occurs_on(datetime.date(2026, 11, 16)))
        self.assertFalse(rule.occurs_on(datetime.date(2026, 11, 9)))


class NationalTestCase(BaseTestCase):
    def test_it_imports_the_national_services_idempotently(self) -> None:
        with scope(platform=self.platform):
            first = national.do_import_national(self.platform)
            second = national.do_import_national(self.platform)
            self.assertEqual(first["services"], len(national.SERVICES))
            self.assertEqual(second["services"], 0)
            self.assertEqual(Service.objects.filter(is_national=True).count(), len(national.SERVICES))
            yorisoi = Service.objects.get(national_key="yorisoi-hotline")
            self.assertEqual(yorisoi.phones.first().number, "0120-279-338")
            self.assertIn(yorisoi, Service.objects.crisis_lines())
            self.assertIn(yorisoi, Service.objects.in_category("topic-suicidal"))
            self.assertTrue(yorisoi.schedules.get().is_open_at(datetime.datetime(2026, 1, 1, 3, 0)))
        with scope(platform=self.other_platform):
            self.assertFalse(Service.objects.exists())
