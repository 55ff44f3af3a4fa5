"""Shared set-up for survey tests: a national-template survey on platform alpha."""

from __future__ import annotations

from django_scopes import scope

from surveys.models import Survey
from surveys.services.questionnaire import do_create_survey, do_open_survey
from tsunagari.lib.testing import BaseTestCase


class SurveyTestCase(BaseTestCase):
    survey: Survey

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with scope(platform=cls.platform):
            cls.survey = do_create_survey(
                cls.platform,
                slug="kodoku-2025",
                title="孤独・孤立に関する実態調査",
                template="national",
                modules=["hikikomori"],
                regions=["中央", "西部", "東部", "北部", "秩父"],
                allow_open_web=True,
            )
            do_open_survey(cls.survey)
            cls.survey.refresh_from_db()
