"""Demo surveys: national-template resident surveys shaped like the seeds' 実態調査 (synthetic answers).

Saitama: 1,500 residents drawn at random, equal numbers in 5 districts, by post with a web option
(about half answered). Gifu: 5,000 web answers by region. Shiga: a 3,600-person panel by 圏域.
Yamagata: 2,583 web answers with the 外出頻度 and duration items. Kamakura: 2,000 residents by
post with the hikikomori module, 1,017 answers. Tsuruoka: random mail plus an open web survey.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.permissions import Actor
from partnership.models import Application, OrgType
from partnership.services.membership import do_approve_application
from platforms.models import Platform
from surveys.generate import national_answers, to_csv
from surveys.models import Audience, Invitation, Mode, Prospect, Response, Survey
from surveys.national import MODULE_HIKIKOMORI, ORGANISATION
from surveys.prospect_lists import fold, guess_org_type
from surveys.queries import unused_codes
from surveys.services.imports import do_import_responses
from surveys.services.organisations import do_invite_members
from surveys.services.prospects import do_draft_directory_entry
from surveys.services.questionnaire import bump_revision, do_close_survey, do_create_survey, do_open_survey


@dataclass(frozen=True)
class DemoSurvey:
    title: str
    n: int
    regions: tuple[str, ...]
    population: dict[str, int] = field(default_factory=dict)
    modes: tuple[str, ...] = ("mail",)
    mode_p: tuple[float, ...] | None = None
    modules: tuple[str, ...] = ()
    open_web: bool = False
    status: str = Survey.Status.CLOSED


CITY = ("中央", "北部", "南部", "東部", "西部")

SURVEYS = {
    "saitama": DemoSurvey(
        "埼玉県 孤独・孤立に関する実態調査（令和4年度）",
        780,
        ("中央", "西部", "東部", "北部", "秩父"),
        {"中央": 2310000, "西部": 1640000, "東部": 1920000, "北部": 820000, "秩父": 85000},
        modes=("mail", "web"),
        mode_p=(0.68, 0.32),
    ),
    "gifu": DemoSurvey(
        "岐阜県 孤独・孤立実態把握調査（令和4年度）",
        5000,
        ("岐阜", "西濃", "中濃", "東濃", "飛騨"),
        {"岐阜": 690000, "西濃": 310000, "中濃": 320000, "東濃": 280000, "飛騨": 120000},
        modes=("web",),
    ),
    "shiga": DemoSurvey(
        "滋賀県民向け孤独・孤立実態調査（令和4年度）",
        3600,
        ("大津", "湖南", "甲賀", "東近江", "湖東", "湖北", "湖西"),
        {
            "大津": 290000,
            "湖南": 290000,
            "甲賀": 120000,
            "東近江": 190000,
            "湖東": 130000,
            "湖北": 130000,
            "湖西": 40000,
        },
        modes=("web",),
    ),
    "yamagata": DemoSurvey(
        "山形市 孤独・孤立に関するWEBアンケート",
        2583,
        CITY,
        modes=("open_web",),
        modules=(MODULE_HIKIKOMORI,),
        open_web=True,
    ),
    "kamakura": DemoSurvey(
        "鎌倉市 ひきこもりに関するアンケート調査",
        1017,
        ("鎌倉", "腰越", "深沢", "大船", "玉縄"),
        {"鎌倉": 30000, "腰越": 18000, "深沢": 28000, "大船": 32000, "玉縄": 15000},
        modules=(MODULE_HIKIKOMORI,),
    ),
    "tsuruoka": DemoSurvey(
        "鶴岡市 孤独・孤立に関する市民アンケート",
        1200,
        ("鶴岡", "藤島", "羽黒", "櫛引", "朝日", "温海"),
        modes=("mail", "open_web"),
        mode_p=(0.7, 0.3),
        open_web=True,
        status=Survey.Status.OPEN,
    ),
}
SLUG = "kodoku-jittai"


def load(platform: Platform, slug: str, created: Counter[str]) -> None:
    if slug == "shiga":
        _organisation_survey(platform, created)
    spec = SURVEYS.get(slug)
    if spec is None or Survey.objects.filter(slug=SLUG).exists():
        return
    survey = do_create_survey(
        platform,
        slug=SLUG,
        title=spec.title,
        template="national",
        modules=list(spec.modules),
        regions=list(spec.regions),
        allow_open_web=spec.open_web,
        description="この調査は、皆さんの日ごろの暮らしや人とのつながりについてお聞きするものです。回答は統計的に処理し、個人が特定されることはありません。",
    )
    do_open_survey(survey)
    seed = sum(ord(c) for c in slug)
    frame = national_answers(
        spec.n,
        seed=seed,
        regions=spec.regions,
        hikikomori=MODULE_HIKIKOMORI in spec.modules,
        modes=spec.modes,
        mode_p=spec.mode_p,
        population=spec.population or None,
    )
    do_import_responses(survey, to_csv(frame), f"demo-{slug}.csv")
    if spec.status == Survey.Status.CLOSED:
        do_close_survey(survey)
    created["surveys"] += 1
    created["survey responses"] += spec.n


ORG_SLUG = "dantai-jittai"
ACTIVITIES = [
    ("居場所づくりと食事会", "誰でも立ち寄れる居場所を週に一度開いています。"),
    ("電話・LINEでの相談", "孤独や悩みについて匿名で相談できます。"),
    ("ひきこもりの家族会", "ひきこもりの方のご家族が集まり、情報交換しています。"),
    ("子ども食堂", "地域の子どもと保護者に食事と学習の場を提供しています。"),
    ("高齢者の見守り訪問", "一人暮らしの高齢者を定期的に訪問しています。"),
]


def _organisation_survey(platform: Platform, created: Counter[str]) -> None:
    """Shiga: the organisation survey that fed the portal; all but two members answered (cf. 86/88)."""
    if Survey.objects.filter(slug=ORG_SLUG).exists():
        return
    survey = do_create_survey(
        platform,
        slug=ORG_SLUG,
        title="支援団体向け活動実態調査（令和4年度）",
        template=ORGANISATION,
        audience=Audience.ORGANISATIONS,
    )
    do_open_survey(survey)
    do_invite_members(survey)
    version = survey.fielded_version()
    invitations = list(Invitation.objects.filter(survey=survey).select_related("organisation").order_by("id"))
    answering = invitations[: max(0, len(invitations) - 2)]
    now = timezone.now()
    responses = []
    for index, invitation in enumerate(answering):
        title, text = ACTIVITIES[index % len(ACTIVITIES)]
        portal = index % 3 != 2
        answers: dict[str, object] = {
            "activity_content": text,
            "kodoku_work": 1 if index % 4 else 2,
            "activity_freq": 1 + index % 5,
            "support_problems": sorted({1 + index % 8, 1 + (index * 3) % 8}),
            "need": 1 + (index % 7 == 0),
            "join_intent": 1 + (index % 5 == 4),
            "portal_consent": 1 if portal else 2,
        }
        member = invitation.organisation
        if portal and member is not None:
            answers.update({"service_name": f"{member.name} {title}", "service_description": text})
        responses.append(
            Response(
                platform=platform,
                survey=survey,
                version=version,
                mode=Mode.WEB,
                answers=answers,
                organisation=invitation.organisation,
                stratum=invitation.stratum,
                submitted_at=now,
            )
        )
    Response.objects.bulk_create(responses)
    Invitation.objects.filter(pk__in=[i.pk for i in answering]).update(used_at=now, used_mode=Mode.WEB)
    created["prospect survey responses"] += _prospects(platform, survey, version, now, created)
    bump_revision(survey)
    created["surveys"] += 1
    created["organisation survey responses"] += len(responses)


SHIGA_AREAS = ("大津市", "彦根市", "長浜市", "近江八幡市", "草津市", "守山市", "甲賀市", "高島市")
PROSPECT_TYPES = ("NPO法人", "一般社団法人", "社会福祉法人", "任意団体")


def _prospects(platform: Platform, survey: Survey, version: Any, now: Any, created: Counter[str]) -> int:
    """Shiga's survey also reached 88 bodies that were not members (fictional names); about
    two thirds answered, and those that want to join are the secretariat's recruitment list."""
    prospects = []
    codes = unused_codes(survey, 88)
    for index, code in enumerate(codes):
        area = SHIGA_AREAS[index % len(SHIGA_AREAS)]
        kind = PROSPECT_TYPES[(index * 7) % len(PROSPECT_TYPES)]
        invitation = Invitation.objects.create(
            platform=platform, survey=survey, code=code, stratum=f"{kind}／{area}"
        )
        name = f"{kind}{area.removesuffix('市')}つながり{index + 1:02d}の会（架空）"
        # One body in eight has no e-mail address: it was invited by a posted letter with its code.
        by_letter = index % 8 == 5
        prospects.append(
            Prospect(
                platform=platform,
                survey=survey,
                name=name,
                folded_name=fold(name),
                org_type=kind,
                area=area,
                email="" if by_letter else f"prospect{index + 1:02d}@example.jp",
                postal_code=f"520-{index + 1:04d}" if by_letter else "",
                address=f"滋賀県{area}つながり町{index + 1}-1（架空）" if by_letter else "",
                invitation=invitation,
                invited_at=now,
                invited_by_letter=by_letter,
            )
        )
    Prospect.objects.bulk_create(prospects)
    answering = [p for index, p in enumerate(prospects) if index % 3 != 2]
    Response.objects.bulk_create(
        Response(
            platform=platform,
            survey=survey,
            version=version,
            mode=Mode.WEB,
            answers={
                "activity_content": "地域の居場所づくり",
                "kodoku_work": 1,
                "join_intent": 1 + (i % 4 != 0),
                "portal_consent": 1 if i % 3 != 1 else 2,
                **(
                    {
                        "service_name": f"{p.area}の居場所",
                        "service_description": "地域の誰でも立ち寄れる居場所です。",
                    }
                    if i % 3 != 1
                    else {}
                ),
            },
            stratum=p.invitation.stratum if p.invitation else "",
            submitted_at=now,
            prospect=p,
        )
        for i, p in enumerate(answering)
    )
    Invitation.objects.filter(pk__in=[p.invitation_id for p in answering]).update(
        used_at=now, used_mode=Mode.WEB
    )
    _recruited(platform, [p for i, p in enumerate(answering) if i % 4 == 0 and p.email], now, created)
    actor = Actor(user=None, role=None, platform=platform)
    for prospect in [p for i, p in enumerate(answering) if i % 3 != 1][:3]:
        do_draft_directory_entry(prospect, actor=actor)
        created["directory drafts from non-member answers"] += 1
    return len(answering)


def _recruited(platform: Platform, wanting: list[Prospect], now: Any, created: Counter[str]) -> None:
    """The recruitment the survey did: the bodies that wished to join were sent the pre-filled
    入会申込 and eight applied; two of them have been approved as members already."""
    Prospect.objects.filter(pk__in=[p.pk for p in wanting]).update(join_invited_at=now)
    actor = Actor(user=None, role=None, platform=platform)
    for index, prospect in enumerate(wanting[:8]):
        application = Application.objects.create(
            platform=platform,
            name=prospect.name,
            name_kana="つながりのかい",
            org_type=guess_org_type(prospect.org_type) or OrgType.NPO,
            representative="代表 太郎（架空）",
            postal_code="520-0044",
            address=f"滋賀県{prospect.area}（架空）",
            phone="077-000-0000",
            email=prospect.email,
            contact_person="担当 花子（架空）",
            area=prospect.area,
            description="地域の居場所づくりと見守り活動（支援団体向け活動実態調査への回答から入会）。",
            published_fields=["name", "area", "description"],
            consent_bylaws=True,
            consent_not_antisocial=True,
            consent_expulsion=True,
            consent_share_with_members=True,
        )
        created["applications from the organisation survey"] += 1
        if index < 2:
            try:
                do_approve_application(application, tier=None, actor=actor)
            except ValidationError:
                pass  # a platform that needs a recommendation first keeps it pending
