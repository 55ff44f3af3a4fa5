from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope

from audit.models import AuditEntry
from surveys.models import Invitation, Mode, PaperEntry, Response, Sample
from surveys.stratified import allocate
from surveys.tests.helpers import SurveyTestCase


def frame_csv(rows: int = 200) -> bytes:
    lines = ["氏名,郵便番号,住所,地区,年齢階級"]
    districts = ["中央"] * 5 + ["西部"] * 3 + ["秩父"] * 2
    for i in range(rows):
        lines.append(
            f"住民{i},330-{i:04d},さいたま市浦和区{i}番地,{districts[i % 10]},{'若年' if i % 3 else '高齢'}"
        )
    return ("\n".join(lines) + "\n").encode()


class SamplingTestCase(SurveyTestCase):
    def setUp(self) -> None:
        self.login(self.admin)

    def _draw(self, **extra: object):  # type: ignore[no-untyped-def]
        data = {"strata": "地区", "allocation": "proportional", "size": "40", "seed": "12345", **extra}
        data["file"] = SimpleUploadedFile("frame.csv", frame_csv(), content_type="text/csv")
        return self.client.post(self.url("surveys:samples", self.survey.uuid), data)

    def test_it_allocates_proportionally_with_largest_remainders(self) -> None:
        self.assertEqual(
            allocate({"a": 100, "b": 60, "c": 40}, 20, "proportional"), {"a": 10, "b": 6, "c": 4}
        )
        self.assertEqual(sum(allocate({"a": 7, "b": 7, "c": 7}, 10, "proportional").values()), 10)
        self.assertEqual(allocate({"a": 7, "b": 700}, 10, "proportional")["a"], 1)
        self.assertEqual(allocate({"a": 50, "b": 9}, 5, "fixed"), {"a": 5, "b": 5})

    def test_it_draws_a_reproducible_stratified_sample_and_records_the_seed(self) -> None:
        self.assertRedirects(self._draw(), self.url("surveys:samples", self.survey.uuid))
        with scope(platform=self.platform):
            sample = Sample.objects.get()
            self.assertEqual(sample.seed, 12345)
            self.assertEqual(
                sample.strata,
                {
                    "中央": {"population": 100, "sample": 20},
                    "西部": {"population": 60, "sample": 12},
                    "秩父": {"population": 40, "sample": 8},
                },
            )
            first = sorted(i.address["氏名"] for i in Invitation.objects.filter(sample=sample))
            self.assertEqual(len(first), 40)
            self.assertEqual(sample.design_weight("秩父"), 5.0)
        self._draw()
        with scope(platform=self.platform):
            second = Sample.objects.exclude(pk=sample.pk).get()
            again = sorted(i.address["氏名"] for i in Invitation.objects.filter(sample=second))
            self.assertEqual(first, again)
            codes = list(Invitation.objects.values_list("code", flat=True))
            self.assertEqual(len(codes), len(set(codes)))

    def test_it_explains_a_bad_frame(self) -> None:
        response = self._draw(strata="区")
        self.assertContains(response, "列「区」: 名簿にこの列がありません", status_code=400)
        response = self._draw(allocation="fixed", size="50")
        self.assertContains(
            response, "層「秩父」は名簿に40人しかいないため、50人は抽出できません。", status_code=400
        )

    def test_it_produces_the_mail_merge_list_and_letters_with_codes(self) -> None:
        self._draw(strata="地区,年齢階級", size="12")
        with scope(platform=self.platform):
            sample = Sample.objects.get()
            invitation = Invitation.objects.filter(sample=sample).first()
            self.assertIn("・", invitation.stratum)
        csv_text = self.client.get(self.url("surveys:sample_mail_merge", sample.uuid)).content.decode(
            "utf-8-sig"
        )
        self.assertIn("招待コード,層,氏名,郵便番号,住所,地区,年齢階級,回答URL,回答済み", csv_text)
        self.assertIn(f"/p/alpha/s/kodoku-2025/?code={invitation.code}", csv_text)
        xlsx = self.client.get(self.url("surveys:sample_mail_merge", sample.uuid) + "?format=xlsx")
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
        self.assertEqual(sheet.max_row, 13)
        pdf = self.client.get(self.url("surveys:sample_letters", sample.uuid))
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "letters.pdf"
            path.write_bytes(pdf.content)
            text = subprocess.run(
                ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
            ).stdout
        self.assertEqual(text.count("へのご協力のお願い"), 12)
        self.assertIn(invitation.code, text)
        self.assertIn(invitation.address["氏名"] + " 様", text)
        exports = AuditEntry.objects.filter(action=AuditEntry.EXPORT, platform=self.platform).order_by("id")
        self.assertEqual(
            [(e.data["kind"], e.data["format"], e.data["rows"]) for e in exports],
            [
                ("sample_mail_merge", "csv", 12),
                ("sample_mail_merge", "xlsx", 12),
                ("sample_letters", "pdf", 12),
            ],
        )
        self.assertTrue(all(e.actor_id and e.data["sample"] == str(sample.uuid) for e in exports))
        self.client.post(self.url("surveys:sample_purge", sample.uuid))
        with scope(platform=self.platform):
            self.assertFalse(Invitation.objects.exclude(address={}).exists())


SHEET = {
    "q_loneliness_direct": "3",
    "q_ucla_1": "2",
    "q_ucla_2": "2",
    "q_ucla_3": "1",
    "q_age_band": "5",
    "q_social_participation": ["2", "3"],
}


class PaperEntryTestCase(SurveyTestCase):
    def setUp(self) -> None:
        self.login(self.admin)

    def _enter(self, user_kind: str, sheet: str = "0001", **changes: object):  # type: ignore[no-untyped-def]
        self.login(self.users[user_kind])
        return self.client.post(
            self.url("surveys:paper", self.survey.uuid),
            {"sheet": sheet, "stratum": "西部", **SHEET, **changes},
        )

    def test_two_matching_keyings_store_a_paper_response(self) -> None:
        self._enter("secretariat_admin")
        with scope(platform=self.platform):
            self.assertEqual(Response.objects.count(), 0)
        self._enter("secretariat_staff")
        with scope(platform=self.platform):
            response = Response.objects.get()
            self.assertEqual(
                (response.mode, response.paper_sheet, response.stratum), (Mode.PAPER, "0001", "西部")
            )
            self.assertEqual(response.answers["social_participation"], [2, 3])
        third = self._enter("secretariat_admin")
        self.assertContains(third, "調査票番号「0001」はすでに登録されています。", status_code=400)

    def test_differing_keyings_go_to_review_and_the_reviewer_picks_values(self) -> None:
        with scope(platform=self.platform):
            Invitation.objects.create(
                platform=self.platform, survey=self.survey, code="PAPR-2345", stratum="秩父"
            )
        self._enter("secretariat_admin", invitation_code="PAPR-2345")
        self._enter("secretariat_staff", invitation_code="papr2345", q_loneliness_direct="5", q_ucla_3="")
        with scope(platform=self.platform):
            self.assertEqual(Response.objects.count(), 0)
            first = PaperEntry.objects.get(pass_number=1)
        page = self.client.get(self.url("surveys:paper", self.survey.uuid))
        self.assertContains(page, "相違あり・確認する")
        review = self.client.get(self.url("surveys:paper_review", first.uuid))
        self.assertContains(review, "loneliness_direct")
        self.assertContains(review, "ucla_3")
        self.assertNotContains(review, "<code>age_band</code>")
        incomplete = self.client.post(
            self.url("surveys:paper_review", first.uuid), {"pick_loneliness_direct": "2"}, follow=True
        )
        self.assertContains(incomplete, "すべての相違について")
        self.client.post(
            self.url("surveys:paper_review", first.uuid), {"pick_loneliness_direct": "2", "pick_ucla_3": "1"}
        )
        with scope(platform=self.platform):
            response = Response.objects.get()
            self.assertEqual(response.answers["loneliness_direct"], 5)
            self.assertEqual(response.answers["ucla_3"], 1)
            self.assertEqual(response.stratum, "秩父")
            self.assertEqual(Invitation.objects.get().used_mode, Mode.PAPER)

    def test_it_rejects_out_of_range_keying(self) -> None:
        response = self._enter("secretariat_admin", q_loneliness_direct="7")
        self.assertContains(response, "選択が正しくありません。", status_code=400)
        with scope(platform=self.platform):
            self.assertFalse(PaperEntry.objects.exists())
