from django_scopes import scope, scopes_disabled

from accounts.models import Role
from directory import queries, taxonomy
from directory.models import Location, Metadata, Organization, Service, ServiceChange
from directory.tests.hsds_fixtures import make_local_service
from tsunagari.lib.smtp import body_of, smtp_server
from tsunagari.lib.testing import BaseTestCase


def rows(prefix: str, *items: dict, initial: int = 0) -> dict[str, str]:
    """A formset's POST data: management form and one dict per row."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(items)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, item in enumerate(items):
        data.update({f"{prefix}-{i}-{key}": value for key, value in item.items()})
    return data


FORM = {
    "name": "子育てひろば相談",
    "name_kana": "こそだてひろばそうだん",
    "status": "active",
    "description": "子育ての悩みを気軽に相談できます。",
    "reservation": "not_required",
    "target_groups": ["self", "family"],
    "age_bands": ["perinatal"],
    "is_free": "on",
    "terms": ["cat-children", "topic-parenting"],
    **rows("phones", {"number": "0596-00-1234", "type": "voice"}),
    "hours": "火曜日・木曜日 10:00〜15:00",
    **rows("schedules", {"byday": ["TU", "TH"], "opens_at": "10:00", "closes_at": "15:00"}),
}


class StaffDirectoryTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.own = make_local_service(cls.platform, "アルファ支援ネットの居場所", name_kana="いばしょ")
        cls.other = make_local_service(cls.platform, "市の福祉相談")
        with scopes_disabled():
            cls.own.member = cls.member_org
            cls.own.save()

    def url_of(self, name: str, *args) -> str:  # type: ignore[no-untyped-def]
        return self.url(f"directory:{name}", *args)

    def test_it_lists_and_shows_services_to_every_staff_role(self) -> None:
        for kind in ("secretariat_admin", "counsellor", "viewer", "member_staff"):
            self.login(self.users[kind])
            response = self.client.get(self.url_of("services"))
            self.assertContains(response, "アルファ支援ネットの居場所")
            response = self.client.get(self.url_of("service", self.own.uuid))
            self.assertContains(response, "岩渕1-7-29")

    def test_it_lets_the_secretariat_edit_and_records_the_history(self) -> None:
        self.login(self.admin)
        response = self.client.post(self.url_of("service_edit", self.other.uuid), FORM)
        self.assertRedirects(response, self.url_of("service", self.other.uuid))
        with scope(platform=self.platform):
            service = Service.objects.get(pk=self.other.pk)
            self.assertEqual(service.name, "子育てひろば相談")
            self.assertEqual(service.phones.get().number, "0596-00-1234")
            schedule = service.schedules.order_by("id").first()
            self.assertEqual((schedule.byday, schedule.opens_at.hour), ("TU,TH", 10))
            self.assertEqual({t.code for t in service.terms()}, {"cat-children", "topic-parenting"})
            names = Metadata.objects.filter(resource_id=service.uuid).values_list("field_name", flat=True)
            self.assertIn("name", names)
            change = Metadata.objects.get(resource_id=service.uuid, field_name="name")
            self.assertEqual(
                (change.previous_value, change.replacement_value), ("市の福祉相談", "子育てひろば相談")
            )
            self.assertEqual(change.user, self.admin)
        page = self.client.get(self.url_of("service", self.other.uuid))
        self.assertContains(page, "市の福祉相談")  # the history shows the previous value

    def test_it_turns_a_member_edit_into_a_proposal_the_secretariat_approves(self) -> None:
        self.login(self.users[Role.MEMBER_STAFF])
        response = self.client.post(
            self.url_of("service_edit", self.own.uuid), {**FORM, "name": "居場所カフェ"}
        )
        self.assertRedirects(response, self.url_of("service", self.own.uuid))
        with scope(platform=self.platform):
            self.assertEqual(Service.objects.get(pk=self.own.pk).name, "アルファ支援ネットの居場所")
            change = ServiceChange.objects.get(service=self.own)
        again = self.client.post(self.url_of("service_edit", self.own.uuid), FORM)
        self.assertContains(again, "確認待ち")
        self.login(self.admin)
        review = self.client.get(self.url_of("change", change.uuid))
        self.assertContains(review, "居場所カフェ")
        self.client.post(self.url_of("change", change.uuid), {"action": "approve"})
        with scope(platform=self.platform):
            self.assertEqual(Service.objects.get(pk=self.own.pk).name, "居場所カフェ")
            record = Metadata.objects.get(resource_id=self.own.uuid, field_name="name")
            self.assertEqual(record.updated_by, self.member_org.name)
            self.assertEqual(record.user, self.users[Role.MEMBER_STAFF])
        api = self.client.get(f"/p/alpha/hsds/services/{self.own.uuid}").json()
        self.assertIn("居場所カフェ", [m["replacement_value"] for m in api["metadata"]])

    def test_it_mails_the_secretariat_a_proposal_and_the_member_the_decisions(self) -> None:
        with scopes_disabled():
            self.platform.contact_email = "jimukyoku@alpha.example.jp"
            self.platform.save()
        member_staff = self.users[Role.MEMBER_STAFF]
        with smtp_server() as inbox:
            self.login(member_staff)
            with self.mail_sent():
                self.client.post(self.url_of("service_edit", self.own.uuid), {**FORM, "name": "居場所カフェ"})
            self.assertEqual(len(inbox), 1)
            self.assertEqual(inbox[0]["To"], "jimukyoku@alpha.example.jp")
            self.assertIn("変更申請が届きました", inbox[0]["Subject"])
            proposal = body_of(inbox[0])
            self.assertIn("名称", proposal)
            with scopes_disabled():
                change = ServiceChange.objects.get(service=self.own, status=ServiceChange.Status.PENDING)
            self.assertIn(f"/staff/directory/changes/{change.uuid}/", proposal.replace("\n", ""))
            self.login(self.admin)
            with self.mail_sent():
                self.client.post(
                    self.url_of("change", change.uuid),
                    {"action": "reject", "reason": "正式名で書いてください"},
                )
            self.assertEqual(inbox[1]["To"], member_staff.email)
            self.assertIn("差し戻されました", inbox[1]["Subject"])
            self.assertIn("正式名で書いてください", body_of(inbox[1]))
            self.login(member_staff)
            with self.mail_sent():
                self.client.post(self.url_of("service_edit", self.own.uuid), {**FORM, "name": "居場所カフェ"})
            with scopes_disabled():
                change = ServiceChange.objects.get(service=self.own, status=ServiceChange.Status.PENDING)
            self.login(self.admin)
            with self.mail_sent():
                self.client.post(self.url_of("change", change.uuid), {"action": "approve"})
            self.assertEqual(len(inbox), 4)
            self.assertEqual(inbox[3]["To"], member_staff.email)
            self.assertIn("承認されました", inbox[3]["Subject"])
            self.assertIn("居場所カフェ", body_of(inbox[3]))

    def test_it_tells_a_member_of_a_pending_change_before_the_form_and_reopens_a_returned_one_filled_in(
        self,
    ) -> None:
        member_staff = self.users[Role.MEMBER_STAFF]
        self.login(member_staff)
        self.client.post(self.url_of("service_edit", self.own.uuid), {**FORM, "name": "居場所カフェ"})
        detail = self.client.get(self.url_of("service", self.own.uuid))
        self.assertContains(detail, "確認待ちの変更申請があります")
        self.assertNotContains(detail, "変更を申請する</a>")
        form_page = self.client.get(self.url_of("service_edit", self.own.uuid))
        self.assertContains(form_page, "確認が終わるまで、新しい変更は申請できません")
        self.assertNotContains(form_page, '<form method="post" novalidate>')
        with scopes_disabled():
            change = ServiceChange.objects.get(service=self.own, status=ServiceChange.Status.PENDING)
        self.login(self.admin)
        self.client.post(
            self.url_of("change", change.uuid), {"action": "reject", "reason": "正式名で書いてください"}
        )
        self.login(member_staff)
        again = self.client.get(self.url_of("service_edit", self.own.uuid))
        self.assertContains(again, "前回の申請は差し戻されました")
        self.assertContains(again, "正式名で書いてください")
        self.assertEqual(again.context["form"].initial["name"], "居場所カフェ")  # the proposal, not retyped
        self.assertContains(again, 'value="居場所カフェ"')

    def test_it_returns_a_proposal_only_with_a_reason(self) -> None:
        with scopes_disabled():
            change = ServiceChange.objects.create(
                platform=self.platform, service=self.own, changes={"name": "x"}
            )
        self.login(self.admin)
        response = self.client.post(self.url_of("change", change.uuid), {"action": "reject", "reason": ""})
        self.assertContains(response, "理由")
        self.client.post(
            self.url_of("change", change.uuid), {"action": "reject", "reason": "名称が正式名と違います"}
        )
        with scopes_disabled():
            change.refresh_from_db()
        self.assertEqual(change.status, ServiceChange.Status.REJECTED)

    def test_it_forbids_members_to_edit_other_organisations_services(self) -> None:
        self.login(self.users[Role.MEMBER_STAFF])
        self.assertEqual(self.client.get(self.url_of("service_edit", self.other.uuid)).status_code, 403)
        self.assertEqual(
            self.client.post(self.url_of("service_edit", self.other.uuid), FORM).status_code, 403
        )
        self.login(self.users[Role.VIEWER])
        self.assertEqual(self.client.get(self.url_of("service_edit", self.own.uuid)).status_code, 403)

    def test_it_keeps_a_members_new_service_private_until_approved(self) -> None:
        self.login(self.users[Role.MEMBER_STAFF])
        place = {"location_name": "子育て支援センター", "postal_code": "516-0037", "address_1": "岩渕1-7-29"}
        self.client.post(self.url_of("service_new"), {**FORM, **rows("places", place)})
        with scope(platform=self.platform):
            service = Service.objects.get(name="子育てひろば相談")
            self.assertFalse(service.is_published)
            self.assertEqual(service.member, self.member_org)
            change = ServiceChange.objects.get(service=service)
            phone, location = service.phones.get(), service.service_at_locations.get().location
        self.assertNotIn(
            str(service.uuid), {s["id"] for s in self.client.get("/p/alpha/hsds/services").json()["contents"]}
        )
        self.login(self.admin)
        self.client.post(self.url_of("change", change.uuid), {"action": "approve"})
        listed = {s["id"] for s in self.client.get("/p/alpha/hsds/services").json()["contents"]}
        self.assertIn(str(service.uuid), listed)
        with scope(platform=self.platform):  # approval updates the rows stored with the proposal
            self.assertEqual(service.phones.get().uuid, phone.uuid)
            self.assertEqual(service.service_at_locations.get().location.uuid, location.uuid)
            self.assertEqual(Location.objects.filter(name="子育て支援センター").count(), 1)

    def test_it_lets_the_secretariat_add_a_published_service(self) -> None:
        with scopes_disabled():
            org = Organization.objects.create(platform=self.platform, name="アルファ県")
        self.login(self.admin)
        response = self.client.post(
            self.url_of("service_new"), {**FORM, "organization": org.pk, "publish": "on"}
        )
        with scope(platform=self.platform):
            service = Service.objects.get(name="子育てひろば相談")
        self.assertRedirects(response, self.url_of("service", service.uuid))
        self.assertTrue(service.is_published)
        with scope(platform=self.platform):
            self.assertIn(service, Service.objects.in_category("cat-children"))

    def test_it_validates_the_form(self) -> None:
        self.login(self.admin)
        bad = {
            **FORM,
            "name_kana": "Kosodate!",
            **rows("schedules", {"byday": ["TU"], "opens_at": "10:00", "closes_at": ""}),
            **rows("phones", {"number": "電話", "type": "voice"}),
        }
        response = self.client.post(self.url_of("service_edit", self.other.uuid), bad)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "error-summary")
        self.assertIn("name_kana", response.context["form"].errors)
        self.assertIn("closes_at", response.context["form"].schedules.forms[0].errors)
        self.assertContains(response, "受付時間 1 の終了時刻: 開始時刻と終了時刻は両方入力してください。")
        self.assertContains(response, "電話番号 1: 電話番号「電話」に数字以外の文字が含まれています")

    def test_it_checks_phone_numbers_as_everywhere_else(self) -> None:
        self.login(self.admin)
        url = self.url_of("service_edit", self.other.uuid)
        for number, message in (
            ("0596-12", "電話番号 1: 電話番号「0596-12」の桁数が違います"),
            ("21-5556", "電話番号 1: 電話番号「21-5556」は市外局番から入力してください"),
            ("TEL0596215556", "電話番号 1: 電話番号「TEL0596215556」に数字以外の文字が含まれています"),
        ):
            response = self.client.post(url, {**FORM, **rows("phones", {"number": number, "type": "voice"})})
            self.assertContains(response, message)
        for number, stored in (
            ("０５９６－２１－５５５６", "0596-21-5556"),
            ("#7110", "#7110"),
            ("189", "189"),
        ):
            self.client.post(url, {**FORM, **rows("phones", {"number": number, "type": "voice"})})
            with scope(platform=self.platform):
                self.assertEqual([p.number for p in self.other.phones.all()], [stored])

    def test_it_gives_404_to_another_platforms_staff(self) -> None:
        self.login(self.outsider)
        for url in (self.url_of("services"), self.url_of("service", self.own.uuid), self.url_of("sheet")):
            self.assertEqual(self.client.get(url).status_code, 404)
        beta = make_local_service(self.other_platform, "ベータの窓口")
        self.login(self.admin)
        self.assertEqual(self.client.get(self.url_of("service", beta.uuid)).status_code, 404)
        self.assertIn(
            str(taxonomy.CATEGORIES_ID), self.client.get("/p/alpha/hsds/taxonomies").content.decode()
        )


class LocationEditTestCase(BaseTestCase):
    def test_it_fills_prefecture_and_city_from_the_postal_code_and_moves_the_location(self) -> None:
        service = make_local_service(self.platform, "移転する窓口")
        with scope(platform=self.platform):
            place = queries.current_values(service)["places"][0]
        self.login(self.admin)
        moved = {
            "id": place["id"],
            "location_name": "いせ市民活動センター北館 1階",
            "postal_code": "516-0037",
            "state_province": "",
            "city": "",
            "address_1": "岩渕1-2-29",
            "latitude": "34.4889",
            "longitude": "136.7081",
        }
        form = {**FORM, **rows("places", moved, initial=1)}
        response = self.client.post(self.url("directory:service_edit", service.uuid), form)
        self.assertRedirects(response, self.url("directory:service", service.uuid))
        with scope(platform=self.platform):
            location = service.service_at_locations.get().location
            self.assertEqual(str(location.uuid), place["id"])
            address = location.addresses.get()
            self.assertEqual(
                (address.state_province, address.city, address.address_1), ("三重県", "伊勢市", "岩渕1-2-29")
            )
            self.assertEqual((location.name, location.latitude), ("いせ市民活動センター北館 1階", 34.4889))
            record = Metadata.objects.get(resource_id=service.uuid, field_name="places")
            self.assertIn("〒516-0037 三重県伊勢市岩渕1-2-29", record.replacement_value)
            self.assertIn("移転する窓口の窓口", record.previous_value)

    def test_it_rejects_an_unknown_postal_code_and_half_a_coordinate(self) -> None:
        service = make_local_service(self.platform, "窓口")
        self.login(self.admin)
        bad = {"postal_code": "999-9999", "city": "", "address_1": "1-1", "latitude": "34.5"}
        response = self.client.post(
            self.url("directory:service_edit", service.uuid), {**FORM, **rows("places", bad)}
        )
        self.assertContains(
            response,
            "相談先 1 の郵便番号: 郵便番号 999-9999 は日本郵便のデータにありません。番号を確かめてください。",
        )
        self.assertContains(response, "相談先 1 の経度: 緯度と経度は両方入力してください。")
        # a known code is checked too, even when the prefecture and city are typed
        other = {"postal_code": "500-8570", "state_province": "三重県", "city": "伊勢市", "address_1": "1-1"}
        response = self.client.post(
            self.url("directory:service_edit", service.uuid), {**FORM, **rows("places", other)}
        )
        self.assertContains(
            response,
            "相談先 1 の郵便番号: 郵便番号 500-8570 は岐阜県岐阜市の番号ですが、所在地は三重県になっています。",
        )
