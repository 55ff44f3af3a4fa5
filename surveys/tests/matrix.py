"""Objects for the URL matrix (platforms/tests/test_url_matrix.py): one survey per platform."""

from __future__ import annotations

from surveys.models import Survey
from surveys.services.questionnaire import do_create_survey

RESULT_URLS = (
    "surveys:results",
    "surveys:crosstab",
    "surveys:free_text",
    "surveys:results_csv",
    "surveys:results_xlsx",
    "surveys:results_pdf",
    "surveys:weighting",
)


def objects(platform, member) -> dict[str, object]:  # type: ignore[no-untyped-def]
    survey = Survey.objects.filter(
        platform=platform, slug=f"matrix-{platform.slug}"
    ).first() or do_create_survey(
        platform,
        slug=f"matrix-{platform.slug}",
        title="マトリクス調査",
        template="national",
        regions=["中央", "北部"],
    )
    return dict.fromkeys(RESULT_URLS, survey)
