"""Every phone and every place of a service in the staff form: direct edits, proposals, review."""

from __future__ import annotations

from typing import Any

from django_scopes import scope, scopes_disabled

from accounts.models import Role
from directory import queries
from directory.models import (
    Address,
    Location,
    Metadata,
    Phone,
    Service,
    ServiceAtLocation,
    ServiceChange,
)
from directory.queries import support_list as support_list_queries
from directory.tests.hsds_fixtures import make_local_service
from directory.tests.test_services_staff import FORM, rows
from tsunagari.lib.testing import BaseTestCase


def form_rows(service: Service, **changes: Any) -> dict[str, str]:
    """The phone and place rows as the edit page sends them (current values, ids hidden),
    plus one empty extra row each, as the page has."""
    values = queries.current_values(service)
    data: dict[str, str] = {}
    for prefix in ("phones", "places"):
        items = [{k: "" if v is None else str(v) for k, v in row.items()} for row in values[prefix]]
        for index, change in changes.get(prefix, {}).items():
            while len(items) <= index:
                items.append({})
            items[index] = {**items[index], **change}
        extra = {"type": "voice"} if prefix == "phones" else {}  # a select always sends its value
        data.update(rows(prefix, *items, extra, initial=len(values[prefix])))
    return data


class RowsTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        p = cls.platform
        cls.service = make_local_service(p, "生活困窮者自立相談支援", name_kana="せいかつ")
        cls.neighbour = make_local_service(p, "家計改善支援")
        with scopes_disabled():
            cls.service.member = cls.member_org
            cls.service.save()
            for number, kind, description in (
                ("0596-21-5556", "voice", ""),
                ("0596-21-5557", "fax", ""),
                ("0120-00-1234", "voice", "フリーダイヤル"),
            ):
                Phone.objects.create(
                    platform=p, service=cls.service, number=number, type=kind, description=description
                )
            # The neighbour's location is also a place of this service (one building, two services).
            cls.shared = cls.neighbour.service_at_locations.get().location
            ServiceAtLocation.objects.create(platform=p, service=cls.service, location=cls.shared)
            cls.own_location = cls.service.service_at_locations.order_by("id").first().location

    def edit_url(self) -> str:
        return self.url("directory:service_edit", self.service.uuid)

    def phones(self) -> list[tuple[str, str, str]]:
        with scope(platform=self.platform):
            return list(self.service.phones.order_by("id").values_list("number", "type", "description"))

    def places(self) -> list[str]:
        with scope(platform=self.platform):
            return [sal.location.name for sal in self.service.service_at_locations.order_by("id")]

    def test_it_edits_two_phones_and_removes_the_third(self) -> None:
        self.login(self.admin)
        with scope(platform=self.platform):
            data = form_rows(
                self.service,
                phones={
                    0: {"number": "0596-21-5550", "description": "平日の昼間"},
                    1: {"type": "voice", "description": "夜間専用"},
                    2: {"DELETE": "on"},
                },
            )
            kept = list(self.service.phones.order_by("id").values_list("uuid", flat=True)[:2])
        response = self.client.post(self.edit_url(), {**FORM, **data})
        self.assertRedirects(response, self.url("directory:service", self.service.uuid))
        self.assertEqual(
            self.phones(), [("0596-21-5550", "voice", "平日の昼間"), ("0596-21-5557", "voice", "夜間専用")]
        )
        with scope(platform=self.platform):
            self.assertEqual(list(self.service.phones.order_by("id").values_list("uuid", flat=True)), kept)
            record = Metadata.objects.get(resource_id=self.service.uuid, field_name="phones")
        self.assertEqual(
            record.previous_value.splitlines(),
            ["電話 0596-21-5556", "FAX 0596-21-5557", "電話 0120-00-1234（フリーダイヤル）"],
        )
        self.assertEqual(
            record.replacement_value.splitlines(),
            ["電話 0596-21-5550（平日の昼間）", "電話 0596-21-5557（夜間専用）"],
        )
        page = self.client.get(self.url("directory:service", self.service.uuid))
        self.assertContains(page, "FAX 0596-21-5557<br>")  # the history, one phone a line

    def test_it_adds_a_place_and_removes_a_shared_one_keeping_its_location(self) -> None:
        self.assertNotContains(
            self.client.get(self.url("directory:search"), {"q": "小俣支所"}), "生活困窮者自立相談支援"
        )
        self.login(self.admin)
        page = self.client.get(self.edit_url())
        self.assertContains(page, "ほかの 1 件の窓口でも使われています")
        self.assertContains(page, "外すと、この場所の情報も削除されます")
        self.assertContains(page, 'name="places-2-location_name"')  # one empty row to add a place
        with scope(platform=self.platform):
            data = form_rows(
                self.service,
                places={
                    1: {"DELETE": "on"},
                    2: {
                        "location_name": "小俣支所 福祉窓口",
                        "postal_code": "519-0503",
                        "address_1": "本町341",
                    },
                },
            )
        response = self.client.post(self.edit_url(), {**FORM, **data})
        self.assertRedirects(response, self.url("directory:service", self.service.uuid))
        self.assertEqual(self.places(), [self.own_location.name, "小俣支所 福祉窓口"])
        with scope(platform=self.platform):
            self.assertTrue(Location.objects.filter(pk=self.shared.pk).exists())
            self.assertEqual(self.neighbour.service_at_locations.get().location, self.shared)
            added = self.service.service_at_locations.order_by("id").last().location.addresses.get()
            self.assertEqual((added.state_province, added.city), ("三重県", "伊勢市"))
            self.assertEqual(added.location.organization_ref, self.service.organization.uuid)
        found = self.client.get(self.url("directory:search"), {"q": "小俣支所"})
        self.assertContains(found, "生活困窮者自立相談支援")  # the search index has the new place
        # The service's own location, used by no other service, goes when it is removed.
        with scope(platform=self.platform):
            data = form_rows(self.service, places={0: {"DELETE": "on"}})
        self.client.post(self.edit_url(), {**FORM, **data})
        self.assertEqual(self.places(), ["小俣支所 福祉窓口"])
        with scope(platform=self.platform):
            self.assertFalse(Location.objects.filter(pk=self.own_location.pk).exists())
            self.assertFalse(Address.objects.filter(location_id=self.own_location.pk).exists())

    def test_it_names_the_rows_in_errors_and_saves_nothing(self) -> None:
        self.login(self.admin)
        with scope(platform=self.platform):
            data = form_rows(
                self.service,
                phones={0: {"number": "0596-21-9999"}, 1: {"number": "ファクス"}},
                places={1: {"postal_code": "999-9999", "state_province": "", "city": ""}},
            )
        before_phones, before_places = self.phones(), self.places()
        response = self.client.post(self.edit_url(), {**FORM, "name": "名前も変える", **data})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "電話番号 2: 電話番号「ファクス」に数字以外の文字が含まれています。")
        self.assertContains(
            response,
            "相談先 2 の郵便番号: 郵便番号 999-9999 は日本郵便のデータにありません。番号を確かめてください。",
        )
        self.assertContains(response, 'value="ファクス"')  # the row keeps what was typed
        self.assertEqual((self.phones(), self.places()), (before_phones, before_places))
        with scope(platform=self.platform):
            self.assertEqual(Service.objects.get(pk=self.service.pk).name, "生活困窮者自立相談支援")
            self.assertFalse(Metadata.objects.filter(resource_id=self.service.uuid).exists())

    def propose(self) -> ServiceChange:
        self.login(self.users[Role.MEMBER_STAFF])
        with scope(platform=self.platform):
            data = form_rows(
                self.service,
                phones={
                    0: {"number": "0596-21-5550"},
                    2: {"DELETE": "on"},
                    3: {"number": "090-1234-5678", "type": "cell"},
                },
                places={
                    1: {"DELETE": "on"},
                    2: {"location_name": "小俣支所", "postal_code": "519-0503", "address_1": "本町341"},
                },
            )
        response = self.client.post(self.edit_url(), {**FORM, **data})
        self.assertRedirects(response, self.url("directory:service", self.service.uuid))
        with scope(platform=self.platform):
            return ServiceChange.objects.get(service=self.service)

    def test_it_carries_the_lists_through_a_proposal_its_review_and_approval(self) -> None:
        before_phones, before_places = self.phones(), self.places()
        change = self.propose()
        self.assertEqual((self.phones(), self.places()), (before_phones, before_places))
        self.assertEqual(len(change.changes["phones"]), 3)
        self.assertEqual(
            [p["location_name"] for p in change.changes["places"]], [self.own_location.name, "小俣支所"]
        )
        self.login(self.admin)
        review = self.client.get(self.url("directory:change", change.uuid))
        table = [
            [row["label"], row["kind_label"], row["before"], row["after"]]
            for row in review.context["rows"]
            if row.get("kind")
        ]
        self.assertIn(["電話番号 1", "変更", "電話 0596-21-5556", "電話 0596-21-5550"], table)
        self.assertIn(["電話番号 4", "追加", "", "携帯電話 090-1234-5678"], table)
        self.assertIn(["電話番号 3", "削除", "電話 0120-00-1234（フリーダイヤル）", ""], table)
        self.assertIn(["相談先 3", "追加", "", "小俣支所 〒519-0503 三重県伊勢市本町341"], table)
        removed = [row for row in table if row[:2] == ["相談先 2", "削除"]]
        self.assertEqual(len(removed), 1)
        self.assertIn(self.shared.name, removed[0][2])
        self.assertContains(review, "携帯電話 090-1234-5678")
        self.client.post(self.url("directory:change", change.uuid), {"action": "approve"})
        self.assertEqual(
            self.phones(),
            [("0596-21-5550", "voice", ""), ("0596-21-5557", "fax", ""), ("090-1234-5678", "cell", "")],
        )
        self.assertEqual(self.places(), [self.own_location.name, "小俣支所"])
        with scope(platform=self.platform):
            self.assertTrue(Location.objects.filter(pk=self.shared.pk).exists())
            record = Metadata.objects.get(resource_id=self.service.uuid, field_name="phones")
            self.assertEqual(record.updated_by, self.member_org.name)
        page = self.client.get(self.url("directory:service", self.service.uuid))
        history = page.context["history"]
        labels = {row["label"]: row for row in history}
        self.assertIn("携帯電話 090-1234-5678", labels["電話番号"]["after"])
        self.assertIn("小俣支所", labels["相談先"]["after"])

    def test_it_leaves_everything_when_the_proposal_is_returned(self) -> None:
        before_phones, before_places = self.phones(), self.places()
        change = self.propose()
        self.login(self.admin)
        self.client.post(
            self.url("directory:change", change.uuid),
            {"action": "reject", "reason": "支所の住所を確認してください"},
        )
        self.assertEqual((self.phones(), self.places()), (before_phones, before_places))
        with scope(platform=self.platform):
            self.assertEqual(ServiceChange.objects.get(pk=change.pk).status, ServiceChange.Status.REJECTED)
            self.assertFalse(Metadata.objects.filter(resource_id=self.service.uuid).exists())

    def test_it_applies_a_proposal_all_or_nothing(self) -> None:
        with scopes_disabled():
            change = ServiceChange.objects.create(
                platform=self.platform,
                service=self.service,
                changes={
                    "name": "名前だけ先に変わってはいけない",
                    "phones": [{"id": "", "number": "0" * 120, "type": "voice", "description": ""}],
                },
                previous={"name": self.service.name, "phones": []},
            )
        self.login(self.admin)
        response = self.client.post(self.url("directory:change", change.uuid), {"action": "approve"})
        self.assertContains(response, "電話番号 1:")
        with scope(platform=self.platform):
            self.assertEqual(Service.objects.get(pk=self.service.pk).name, "生活困窮者自立相談支援")
            self.assertEqual(ServiceChange.objects.get(pk=change.pk).status, ServiceChange.Status.PENDING)
        self.assertEqual(len(self.phones()), 3)

    def test_it_still_shows_and_applies_a_proposal_stored_with_scalar_fields(self) -> None:
        with scopes_disabled():
            change = ServiceChange.objects.create(
                platform=self.platform,
                service=self.service,
                changes={"phone": "0596-21-0000", "location_name": "本館2階", "address_1": "岩渕1-7-30"},
                previous={
                    "phone": "0596-21-5556",
                    "location_name": self.own_location.name,
                    "address_1": "岩渕1-7-29",
                },
                submitted_by=self.users[Role.MEMBER_STAFF],
            )
        self.login(self.admin)
        review = self.client.get(self.url("directory:change", change.uuid))
        labels = [row["label"] for row in review.context["rows"]]
        self.assertCountEqual(
            labels, ["電話番号", "相談先の名称（建物・窓口）", "町名・番地"]
        )  # jsonb: any order
        self.assertContains(review, "0596-21-0000")
        self.client.post(self.url("directory:change", change.uuid), {"action": "approve"})
        self.assertEqual(
            self.phones(),
            [
                ("0596-21-0000", "voice", ""),
                ("0596-21-5557", "fax", ""),
                ("0120-00-1234", "voice", "フリーダイヤル"),
            ],
        )
        self.assertEqual(self.places(), ["本館2階", self.shared.name])
        with scope(platform=self.platform):
            self.assertEqual(self.own_location.addresses.get().address_1, "岩渕1-7-30")
            record = Metadata.objects.get(resource_id=self.service.uuid, field_name="phone")
            self.assertEqual(
                (record.previous_value, record.replacement_value), ("0596-21-5556", "0596-21-0000")
            )

    def test_it_shows_a_fax_number_as_fax_to_the_public_and_in_the_support_list(self) -> None:
        page = self.client.get(self.url("directory:service_page", self.service.uuid))
        self.assertContains(page, 'href="tel:0596215556"')
        self.assertContains(page, "FAX 0596-21-5557")
        self.assertNotContains(page, 'href="tel:0596215557"')
        with scope(platform=self.platform):
            prefetched = Service.objects.filter(pk=self.service.pk).prefetch_related("phones").get()
            prefetched.printed_phones = list(prefetched.phones.all())  # type: ignore[attr-defined]
            phones = support_list_queries._phones(prefetched, [], "運営団体")
        self.assertEqual(
            [(p.number, p.fax) for p in phones],
            [("0596-21-5556", False), ("0596-21-5557", True), ("0120-00-1234", False)],
        )
