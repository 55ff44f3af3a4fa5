from __future__ import annotations

from django.urls import reverse
from django_scopes import scope

from surveys.data import build_frame, responses_frame
from surveys.models import SAMPLE_MODES, FrameSnapshot
from surveys.services.imports import do_import_responses
from surveys.tests.helpers import SurveyTestCase

CSV = (
    "loneliness_direct,ucla_1,ucla_2,ucla_3,outing_freq,outing_duration,age_band,weight,stratum,mode\n"
    + "".join(
        f"{1 + i % 5},{1 + i % 4},{1 + (i + 1) % 4},{1 + (i + 2) % 4},{1 + i % 8},{1 + i % 6},{1 + i % 8},{10 + i},中央,{'open_web' if i % 4 == 0 else 'mail'}\n"
        for i in range(40)
    )
)


class ResponsesFrameTestCase(SurveyTestCase):
    def test_it_appends_new_web_answers_to_the_snapshot_and_matches_a_rebuild(self) -> None:
        with scope(platform=self.platform):
            do_import_responses(self.survey, CSV.encode(), "a.csv")
            self.assertEqual(responses_frame(self.survey).height, 40)
        self.client.post(reverse("surveys:start", args=["alpha", "kodoku-2025"]))
        page = lambda n: reverse("surveys:page", args=["alpha", "kodoku-2025", n])  # noqa: E731
        self.client.post(
            page(1), {"q_loneliness_direct": "1", "q_ucla_1": "4", "q_ucla_2": "4", "q_ucla_3": "4"}
        )
        self.client.post(page(2), {"q_outing_freq": "1"})
        self.client.post(page(3), {"q_age_band": "2"})
        with scope(platform=self.platform):
            frame = responses_frame(self.survey, ["loneliness_direct", "ucla_score", "hikikomori_broad"])
            self.assertEqual(frame.height, 41)
            self.assertEqual(frame.row(-1)[-3:], (1, 12, 0))
            self.assertEqual(
                FrameSnapshot.objects.get().revision, self.survey.__class__.objects.get().data_revision
            )
            rebuilt = build_frame(self.survey).sort("response")
            served = responses_frame(self.survey).sort("response")
            self.assertEqual(rebuilt.schema, served.schema)
            for column in rebuilt.columns:
                self.assertEqual(rebuilt[column].to_list(), served[column].to_list(), column)
            sample_only = responses_frame(self.survey, ["loneliness_direct"], modes=SAMPLE_MODES)
            self.assertEqual(sample_only.height, 30)
            self.assertEqual(set(sample_only["mode"].to_list()), {"mail"})

    def test_it_refuses_unknown_codes(self) -> None:
        with scope(platform=self.platform), self.assertRaisesMessage(KeyError, "colour"):
            responses_frame(self.survey, ["colour"])
