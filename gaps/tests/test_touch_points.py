"""Ichihara's department touch-point matrix: /p/<slug>/staff/directory/touch-points/ and its editors."""

from __future__ import annotations

import csv
import io
from collections import Counter

from django_scopes import scope, scopes_disabled
from openpyxl import load_workbook

from accounts.models import Role
from audit.models import AuditEntry
from directory.tests.support_data import make_entry
from gaps import demo
from gaps.models import Department, IsolationSignal, TouchPoint
from platforms.models import Platform
from tsunagari.lib.testing import BaseTestCase


def make_matrix(platform: Platform) -> tuple[Department, IsolationSignal, TouchPoint]:
    with scopes_disabled():
        finance = Department.objects.create(
            platform=platform, name="財政部", duties="納税状況、債権管理", position=1
        )
        Department.objects.create(platform=platform, name="土木部", duties="道路整備、河川整備", position=2)
        arrears = IsolationSignal.objects.create(platform=platform, name="税・水道料金の滞納", position=1)
        IsolationSignal.objects.create(platform=platform, name="繰り返す救急要請", position=2)
        point = TouchPoint.objects.create(
            platform=platform, department=finance, signal=arrears, situation="納税相談・督促"
        )
        return finance, arrears, point


class TouchPointTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.finance, cls.arrears, cls.point = make_matrix(cls.platform)
        cls.service = make_entry(cls.platform, "生活困窮の相談", organization="アルファ県生活相談センター")
        with scopes_disabled():
            cls.point.services.add(cls.service)
            cls.ambulance = IsolationSignal.objects.get(name="繰り返す救急要請")
        cls.other_point = make_matrix(cls.other_platform)[2]

    def setUp(self) -> None:
        self.login(self.users[Role.SECRETARIAT_STAFF])
        self.page = self.url("gaps:touch_points")

    def test_it_shows_departments_by_signals_with_the_service_to_hand_over_to(self) -> None:
        response = self.client.get(self.page)
        self.assertEqual(response.status_code, 200)
        matrix = response.context["matrix"]
        self.assertEqual([row.department.name for row in matrix.rows], ["財政部", "土木部"])
        self.assertEqual([row.count for row in matrix.rows], [1, 0])
        self.assertEqual([s.name for s in matrix.uncovered_signals], ["繰り返す救急要請"])
        self.assertEqual(matrix.unreferred, [])
        self.assertContains(
            response, f'→ <a href="{self.url("directory:service", self.service.uuid)}">生活困窮の相談</a>'
        )
        self.assertContains(response, "どの部局も出会っていないサイン:")
        self.assertContains(response, '<span class="sr-only">接点なし</span>', count=3)

    def test_it_adds_departments_signals_and_touch_points(self) -> None:
        self.client.post(
            self.page,
            {"action": "department", "d-name": "消防局", "d-duties": "消防団、救急通報を何度もかけてくる"},
        )
        with scopes_disabled():
            fire = Department.objects.get(platform=self.platform, name="消防局")
        self.assertEqual(fire.position, 3)
        response = self.client.post(
            self.page,
            {
                "action": "point",
                "p-department": str(fire.uuid),
                "p-signal": str(self.ambulance.uuid),
                "p-situation": "救急通報を何度もかけてくる人への対応",
                "p-services": [str(self.service.uuid)],
                "p-handover": "保健福祉部に情報を共有する",
            },
        )
        self.assertRedirects(response, self.page)
        with scopes_disabled():
            point = TouchPoint.objects.get(department=fire, signal=self.ambulance)
            self.assertEqual(list(point.services.all()), [self.service])
            self.assertTrue(AuditEntry.objects.filter(action="directory.touch_point_saved").exists())

    def test_it_names_a_duplicate_department_and_rejects_other_platforms_objects(self) -> None:
        response = self.client.post(self.page, {"action": "department", "d-name": "財政部"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "「財政部」は既に登録されています。")
        foreign = self.client.post(
            self.page,
            {
                "action": "point",
                "p-department": str(self.other_point.department.uuid),
                "p-signal": str(self.arrears.uuid),
            },
        )
        self.assertTrue(foreign.context["point_form"].errors["department"])
        with scopes_disabled():
            self.assertEqual(TouchPoint.objects.filter(platform=self.platform).count(), 1)

    def test_it_edits_and_deletes_a_touch_point(self) -> None:
        url = self.url("gaps:touch_point", self.point.uuid)
        self.client.post(url, {"action": "save", "situation": "督促の電話", "handover": "同意を得てつなぐ"})
        with scopes_disabled():
            self.point.refresh_from_db()
            self.assertEqual(self.point.situation, "督促の電話")
            self.assertEqual(list(self.point.services.all()), [])
            self.assertEqual(self.point.department, self.finance)  # the cell stays where it is
        self.assertEqual(self.client.post(url, {"action": "delete"}).status_code, 200)  # not confirmed
        self.client.post(url, {"action": "delete", "confirm": "on"})
        with scopes_disabled():
            self.assertFalse(TouchPoint.objects.filter(pk=self.point.pk).exists())

    def test_it_renames_and_deletes_a_signal_with_its_touch_points(self) -> None:
        url = self.url("gaps:touch_signal", self.arrears.uuid)
        self.client.post(url, {"action": "save", "name": "税・水道料金などの滞納", "description": ""})
        with scopes_disabled():
            self.arrears.refresh_from_db()
            self.assertEqual(self.arrears.name, "税・水道料金などの滞納")
        self.client.post(url, {"action": "delete", "confirm": "on"})
        with scopes_disabled():
            self.assertFalse(TouchPoint.objects.filter(pk=self.point.pk).exists())

    def test_it_lets_viewers_read_but_not_write(self) -> None:
        self.login(self.users[Role.VIEWER])
        self.assertEqual(self.client.get(self.page).status_code, 200)
        self.assertEqual(
            self.client.post(self.page, {"action": "department", "d-name": "経済部"}).status_code, 403
        )
        self.assertEqual(self.client.get(self.url("gaps:touch_point", self.point.uuid)).status_code, 403)

    def test_it_answers_404_for_another_platforms_touch_point(self) -> None:
        self.assertEqual(
            self.client.get(self.url("gaps:touch_point", self.other_point.uuid)).status_code, 404
        )

    def test_it_exports_csv_and_excel(self) -> None:
        rows = list(
            csv.reader(
                io.StringIO(self.client.get(self.url("gaps:touch_points_csv")).content.decode("utf-8-sig"))
            )
        )
        self.assertEqual(
            rows[0],
            ["部局", "関連する業務の例", "孤立のサイン", "接点となる場面", "つなぐ先の窓口", "つなぎ方"],
        )
        self.assertEqual(
            rows[1][:5],
            [
                "財政部",
                "納税状況、債権管理",
                "税・水道料金の滞納",
                "納税相談・督促",
                "生活困窮の相談（アルファ県生活相談センター）",
            ],
        )
        book = load_workbook(io.BytesIO(self.client.get(self.url("gaps:touch_points_xlsx")).content))
        grid = book["接点マトリクス"]
        self.assertEqual(
            [c.value for c in grid[1]], ["部局 ＼ 孤立のサイン", "税・水道料金の滞納", "繰り返す救急要請"]
        )
        self.assertEqual(grid["B2"].value, "● 生活困窮の相談")
        self.assertIsNone(grid["C2"].value)
        self.assertEqual(book["接点の一覧"].max_row, 2)


class IchiharaDemoTestCase(BaseTestCase):
    def test_it_loads_ichiharas_departments_and_signals_once(self) -> None:
        make_entry(self.platform, "生活困窮の相談", categories=("cat-money",))
        created: Counter[str] = Counter()
        with scope(platform=self.platform):
            demo.load(self.platform, "ichihara", created)
            demo.load(self.platform, "ichihara", created)
            demo.load(self.platform, "ise", created)
            self.assertEqual(Department.objects.count(), 15)
            self.assertEqual(IsolationSignal.objects.count(), 11)
            fire = TouchPoint.objects.get(department__name="消防局")
            self.assertEqual(fire.signal.name, "繰り返す救急要請")
            water = TouchPoint.objects.get(department__name="上下水道部")
            self.assertEqual(water.signal.name, "税・水道料金の滞納")
            self.assertEqual([s.name for s in water.services.all()], ["生活困窮の相談"])
        self.assertEqual(created, Counter(departments=15, isolation_signals=11, touch_points=14))
