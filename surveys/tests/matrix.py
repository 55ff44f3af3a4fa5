"""Objects for the URL matrix (platforms/tests/test_url_matrix.py): one survey per platform, with a
question, a sample and a paper keying for the builder and fieldwork URLs."""

from __future__ import annotations

from partnership.models import MemberOrganisation
from platforms.models import Platform
from surveys.models import Invitation, PaperEntry, Prospect, Sample, Survey
from surveys.services.questionnaire import do_create_survey
from tsunagari.lib.jobs.models import ImportJob

SURVEY_URLS = (
    "surveys:survey",
    "surveys:action",
    "surveys:question_new",
    "surveys:preview",
    "surveys:paper_pdf",
    "surveys:import",
    "surveys:samples",
    "surveys:paper",
    "surveys:organisations",
    "surveys:prospects",
    "surveys:prospects_csv",
    "surveys:prospect_letters",
    "surveys:results",
    "surveys:crosstab",
    "surveys:free_text",
    "surveys:results_csv",
    "surveys:results_xlsx",
    "surveys:results_pdf",
    "surveys:weighting",
)


def objects(platform: Platform, member: MemberOrganisation) -> dict[str, object]:
    survey = Survey.objects.filter(
        platform=platform, slug=f"matrix-{platform.slug}"
    ).first() or do_create_survey(
        platform,
        slug=f"matrix-{platform.slug}",
        title="マトリクス調査",
        template="national",
        regions=["中央", "北部"],
    )
    version = survey.current_version()
    question = version.questions.get(code="region")
    sample = Sample.objects.filter(survey=survey).first() or Sample.objects.create(
        platform=platform,
        survey=survey,
        frame_name="frame.csv",
        frame_size=10,
        allocation="fixed",
        size=1,
        seed=1,
    )
    entry = PaperEntry.objects.filter(survey=survey).first() or PaperEntry.objects.create(
        platform=platform, survey=survey, version=version, sheet="1", pass_number=1
    )
    prospect = Prospect.objects.filter(survey=survey).first()
    if prospect is None:
        invitation = Invitation.objects.create(platform=platform, survey=survey, code="MTRX-LTR1")
        prospect = Prospect.objects.create(
            platform=platform,
            survey=survey,
            name="郵送の団体",
            folded_name="郵送の団体",
            org_type="NPO法人",
            area="中央",
            address="岐阜県岐阜市1-1",
            invitation=invitation,
            invited_by_letter=True,
        )
    found: dict[str, object] = dict.fromkeys(SURVEY_URLS, survey)
    found.update(
        {
            "surveys:question": question,
            "surveys:question_action": question,
            "surveys:sample_mail_merge": sample,
            "surveys:sample_letters": sample,
            "surveys:sample_purge": sample,
            "surveys:paper_review": entry,
            "surveys:prospect_letter": prospect,
            "surveys:import_job": ImportJob.objects.filter(target=str(survey.uuid)).first()
            or ImportJob.objects.create(
                platform=platform,
                kind="surveys.responses",
                key=f"matrix:{survey.uuid}",
                target=str(survey.uuid),
            ),
        }
    )
    return found
