import datetime
from collections import Counter

from django_scopes import scope, scopes_disabled

from directory import demo
from directory.models import Location, Service
from directory.services import national
from partnership.models import ActivityField
from platforms.services.creation import do_create_platform
from tsunagari.lib.testing import BaseTestCase, make_member


class DemoTestCase(BaseTestCase):
    def test_it_loads_ises_support_list_once(self) -> None:
        with scopes_disabled():
            ise = do_create_platform(slug="ise", code="242039", name="伊勢市多分野協働プラットフォーム")
            ise.owner_name = "伊勢市"
            ise.save()
        make_member(
            ise,
            "特定非営利活動法人つむぎクラブいせ",
            postal_code="516-0001",
            address="三重県伊勢市大湊町1-2-3",
            fields=ActivityField.objects.filter(code="community"),
        )
        first: Counter[str] = Counter()
        second: Counter[str] = Counter()
        with scope(platform=ise):
            demo.load(ise, "ise", first)
            demo.load(ise, "ise", second)
            self.assertEqual(sum(second.values()), 0)
            local = Service.objects.filter(is_national=False)
            self.assertEqual(first["services"], local.count())
            self.assertEqual(Service.objects.filter(is_national=True).count(), len(national.SERVICES))
            saimu = Service.objects.get(name__startswith="多重債務")
            self.assertEqual(saimu.reservation, "required")
            self.assertTrue(saimu.schedules.get().occurs_on(datetime.date(2026, 11, 19)))
            self.assertEqual(saimu.phones.get().number, "0596-21-5717")
            salon = Service.objects.get(name="だれでも居場所サロン")
            self.assertEqual(salon.member.name, "特定非営利活動法人つむぎクラブいせ")
            address = salon.service_at_locations.get().location.addresses.get()
            self.assertEqual((address.city, address.address_1), ("伊勢市", "大湊町1-2-3"))
            for location in Location.objects.all():
                self.assertAlmostEqual(location.latitude, 34.49, delta=0.05)
