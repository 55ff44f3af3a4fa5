"""Surveys: questionnaires with versions, responses, invitations, samples and paper entry.

Sources: the national 人々のつながりに関する基礎調査 (direct loneliness question, UCLA 3-item
short form, isolation items), Saitama's random mail sample with a web option by district,
Tsuruoka's random mail plus open web, Kamakura's hikikomori survey (広義のひきこもり), Shiga's
organisation survey (86/88 organisations answering items that fed the portal) — seeds 001, 002.

Answer storage: one ``Response`` row per respondent with ``answers`` as a JSON object keyed by
answer code (a question code, or a row code of a matrix). A million responses import with one
bulk insert and read back as one column per code through ``surveys.data.responses_frame``, which
keeps a Parquet snapshot per survey (``FrameSnapshot``) so estimation never re-parses JSON twice.
"""

from __future__ import annotations

import secrets
import uuid
from typing import TYPE_CHECKING, ClassVar, cast

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnership.models import MemberOrganisation
from platforms.models import Platform, platform_manager
from tsunagari.lib.tenancy import TenantModel, scoped_manager

if TYPE_CHECKING:
    import polars as pl

    from surveys.stats.weighting import MarginTable, WeightingPlan

code_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{0,39}$",
    _("設問コードは半角英小文字で始まり、半角英小文字・数字・_ の40文字以内で入力してください。"),
)
# Columns that a data file may carry besides answer codes.
RESERVED_CODES = frozenset({"weight", "stratum", "mode", "invitation", "submitted_at", "organisation"})


class Audience(models.TextChoices):
    RESIDENTS = "residents", _("住民")
    ORGANISATIONS = "organisations", _("会員団体")


class Survey(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("準備中")
        OPEN = "open", _("回答受付中")
        CLOSED = "closed", _("終了")

    slug = models.SlugField(
        _("調査の識別名"),
        max_length=60,
        help_text=_("回答ページのURLに使います（半角英数字とハイフン）。例: kodoku-2025"),
    )
    title = models.CharField(_("調査名"), max_length=200)
    description = models.TextField(_("調査の説明（回答者向け）"), blank=True)
    audience = models.CharField(
        _("対象"), max_length=20, choices=Audience.choices, default=Audience.RESIDENTS
    )
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    allow_open_web = models.BooleanField(
        _("招待コードなしの回答（オープン調査）を受け付ける"),
        default=False,
        help_text=_(
            "鶴岡市方式: 無作為抽出の郵送調査と別に、誰でも回答できるWeb調査。回答は区別して集計します。"
        ),
    )
    template = models.CharField(_("ひな形"), max_length=30, blank=True)
    modules = models.JSONField(_("追加モジュール"), default=list, blank=True)
    # Bumped on every write to responses; FrameSnapshot compares against it.
    data_revision = models.PositiveIntegerField(default=0, editable=False)
    opened_at = models.DateTimeField(_("開始日時"), null=True, blank=True)
    closed_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("調査")
        verbose_name_plural = _("調査")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["platform", "slug"], name="unique_survey_slug")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def for_organisations(self) -> bool:
        return self.audience == Audience.ORGANISATIONS

    def current_version(self) -> QuestionnaireVersion:
        """The newest version (a draft while being edited, otherwise the one in the field)."""
        # A survey is created with its first version (do_create_survey) and versions are never
        # deleted on their own (CASCADE with the survey), so there is always one.
        return cast(QuestionnaireVersion, self.versions.order_by("-number").first())

    def fielded_version(self) -> QuestionnaireVersion | None:
        """The newest frozen version: the one residents answer."""
        return self.versions.filter(frozen_at__isnull=False).order_by("-number").first()


class QuestionnaireVersion(TenantModel):
    """One version of a questionnaire. Frozen once in the field: edits make a new version."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版"), default=1)
    note = models.CharField(_("変更内容"), max_length=200, blank=True)
    frozen_at = models.DateTimeField(_("確定日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("調査票の版")
        verbose_name_plural = _("調査票の版")
        ordering = ["survey", "number"]
        constraints = [models.UniqueConstraint(fields=["survey", "number"], name="unique_version_number")]

    def __str__(self) -> str:
        return f"{self.survey} 第{self.number}版"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class Section(TenantModel):
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    title = models.CharField(_("見出し"), max_length=200)
    title_easy = models.CharField(_("見出し（やさしい日本語）"), max_length=200, blank=True)
    module = models.CharField(max_length=30, blank=True, editable=False)

    class Meta:
        verbose_name = _("セクション")
        verbose_name_plural = _("セクション")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class QuestionType(models.TextChoices):
    SINGLE = "single", _("単一回答")
    MULTIPLE = "multiple", _("複数回答")
    SCALE = "scale", _("尺度（数値の段階）")
    MATRIX = "matrix", _("マトリクス（複数項目を同じ選択肢で）")
    NUMBER = "number", _("数値")
    DATE = "date", _("日付")
    TEXT = "text", _("自由記述")


CHOICE_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.MATRIX)


class Question(TenantModel):
    """A question. ``options`` = [{"code": int, "label": str, "label_easy": str, "exclusive": bool}];
    ``rows`` (matrix only) = [{"code": answer code, "label": str, "label_easy": str}];
    ``conditions`` = [{"code": answer code, "op": "in"|"not_in"|"answered"|"gte"|"lte", "values": [...]}],
    all of which must hold for the question to be shown (and answered).
    """

    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    code = models.CharField(_("設問コード"), max_length=40, validators=[code_validator])
    type = models.CharField(_("回答形式"), max_length=10, choices=QuestionType.choices)
    text = models.TextField(_("設問文"), max_length=1000)
    text_easy = models.TextField(_("設問文（やさしい日本語）"), max_length=1000, blank=True)
    help_text = models.CharField(_("補足"), max_length=300, blank=True)
    required = models.BooleanField(_("回答必須"), default=False)
    options = models.JSONField(_("選択肢"), default=list, blank=True)
    rows = models.JSONField(_("項目（マトリクス）"), default=list, blank=True)
    min_value = models.DecimalField(_("最小値"), max_digits=12, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("最大値"), max_digits=12, decimal_places=2, null=True, blank=True)
    min_label = models.CharField(_("最小値の説明"), max_length=40, blank=True)
    max_label = models.CharField(_("最大値の説明"), max_length=40, blank=True)
    max_choices = models.PositiveSmallIntegerField(_("選択できる数の上限"), null=True, blank=True)
    conditions = models.JSONField(_("表示条件"), default=list, blank=True)
    # Template questions are locked for comparability with the national survey.
    locked = models.BooleanField(default=False, editable=False)
    options_editable = models.BooleanField(default=True, editable=False)
    module = models.CharField(max_length=30, blank=True, editable=False)

    class Meta:
        verbose_name = _("設問")
        verbose_name_plural = _("設問")
        ordering = ["section__order", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_question_code")]

    def __str__(self) -> str:
        return self.code

    def answer_codes(self) -> list[str]:
        """The keys this question writes into ``Response.answers``."""
        if self.type == QuestionType.MATRIX:
            return [row["code"] for row in self.rows]
        return [self.code]

    def option_codes(self) -> list[int]:
        return [int(o["code"]) for o in self.options]

    def option_label(self, code: int) -> str:
        for option in self.options:
            if int(option["code"]) == int(code):
                return str(option["label"])
        return str(code)


class BenchmarkQuerySet(models.QuerySet["Benchmark"]):
    def available_to(self, platform: Platform) -> BenchmarkQuerySet:
        """The shipped national figures plus those this platform's staff added."""
        return self.filter(Q(platform__isnull=True) | Q(platform=platform))


class Benchmark(models.Model):
    """Reference distribution of a question, e.g. the national survey of a year.

    Shipped national figures have no platform (global reference data, like ActivityField);
    figures that a platform's staff add carry that platform.
    """

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    question_code = models.CharField(_("設問コード"), max_length=40, validators=[code_validator])
    source = models.CharField(_("出典"), max_length=200)
    year = models.PositiveSmallIntegerField(_("調査年"))
    n = models.PositiveIntegerField(_("回答者数"), validators=[MinValueValidator(1)])
    # {"1": 4.8, "2": 14.8, ...} percent of all respondents, by option code.
    percentages = models.JSONField(_("選択肢別の割合（%）"))
    no_answer = models.DecimalField(_("無回答（%）"), max_digits=5, decimal_places=1, default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BenchmarkQuerySet.as_manager()

    class Meta:
        verbose_name = _("比較基準")
        verbose_name_plural = _("比較基準")
        ordering = ["question_code", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "question_code", "year", "source"], name="unique_benchmark"
            ),
            models.UniqueConstraint(
                fields=["question_code", "year", "source"],
                condition=Q(platform__isnull=True),
                name="unique_shipped_benchmark",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.year} {self.question_code}"


class Mode(models.TextChoices):
    WEB = "web", _("Web（招待コード）")
    MAIL = "mail", _("郵送")
    PAPER = "paper", _("紙（事務局入力）")
    OPEN_WEB = "open_web", _("オープンWeb")


# Modes that belong to the random sample (open web is kept apart).
SAMPLE_MODES = (Mode.WEB, Mode.MAIL, Mode.PAPER)


class Sample(TenantModel):
    """A stratified random draw from an uploaded frame, reproducible from its seed."""

    class Allocation(models.TextChoices):
        PROPORTIONAL = "proportional", _("比例配分")
        FIXED = "fixed", _("層ごとに同数")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="samples")
    frame_name = models.CharField(_("名簿ファイル"), max_length=200)
    frame_size = models.PositiveIntegerField(_("名簿の人数"))
    strata_columns = models.JSONField(_("層の列"), default=list)
    # The frame's columns in file order (mail-merge fields keep this order; JSON objects may not).
    columns = models.JSONField(_("名簿の列"), default=list)
    allocation = models.CharField(_("配分"), max_length=20, choices=Allocation.choices)
    size = models.PositiveIntegerField(_("標本の大きさ"))
    seed = models.BigIntegerField(_("乱数の種"))
    # {stratum: {"population": N_h, "sample": n_h}}: design weights are N_h / n_h.
    strata = models.JSONField(_("層別の母集団と標本"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("標本")
        verbose_name_plural = _("標本")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.survey} 標本 {self.size}"

    def design_weight(self, stratum: str) -> float | None:
        cell = self.strata.get(stratum)
        if not cell or not cell.get("sample"):
            return None
        return float(cell["population"]) / float(cell["sample"])


INVITATION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def new_invitation_code() -> str:
    raw = "".join(secrets.choice(INVITATION_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


class Invitation(TenantModel):
    """A code printed on a mailed letter: one web answer per sampled resident.

    ``address`` holds the mail-merge fields of the frame row (name, address) until staff purge
    them after mailing; responses are never linked to it, so answers stay anonymous.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    sample = models.ForeignKey(
        Sample, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    code = models.CharField(_("招待コード"), max_length=9, default=new_invitation_code)
    stratum = models.CharField(_("層"), max_length=100, blank=True)
    address = models.JSONField(_("宛名情報"), default=dict, blank=True)
    used_at = models.DateTimeField(_("回答日時"), null=True, blank=True)
    used_mode = models.CharField(_("回答方法"), max_length=10, choices=Mode.choices, blank=True)
    # Organisation surveys: the member organisation this code was sent to (answers name it).
    organisation = models.ForeignKey(
        MemberOrganisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The unfinished web answer started with this code (resumable on any device); cleared on
    # submission so that a resident's submitted answers are not linked to the mailing list.
    draft = models.OneToOneField(
        "Response", on_delete=models.SET_NULL, null=True, blank=True, related_name="draft_of"
    )

    class Meta:
        verbose_name = _("招待コード")
        verbose_name_plural = _("招待コード")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="unique_invitation_code"),
            models.UniqueConstraint(
                fields=["survey", "organisation"],
                condition=Q(organisation__isnull=False),
                name="one_invitation_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class ImportBatch(TenantModel):
    """One imported data file (idempotent by content hash per survey).

    The import worker inserts its rows in short transactions while ``staging`` is true: every
    reader (``Response.objects.submitted()``, ``surveys.data``) leaves such rows out, so nobody
    sees half a file. The last step clears ``staging`` in one cheap statement; a failed import
    deletes its rows and the batch (``surveys.services.imports``).
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="imports")
    filename = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0)
    staging = models.BooleanField(default=False)  # rows still being inserted: invisible to readers
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["survey", "sha256"], name="unique_import_file")]

    def __str__(self) -> str:
        return self.filename


class ResponseQuerySet(models.QuerySet["Response"]):
    def visible(self) -> ResponseQuerySet:
        """Leaves out the rows of an import still being inserted (``ImportBatch.staging``)."""
        return self.filter(Q(import_batch__isnull=True) | Q(import_batch__staging=False))

    def submitted(self) -> ResponseQuerySet:
        return self.visible().filter(submitted_at__isnull=False)

    def random_sample(self) -> ResponseQuerySet:
        return self.submitted().filter(mode__in=SAMPLE_MODES)

    def open_web(self) -> ResponseQuerySet:
        return self.submitted().filter(mode=Mode.OPEN_WEB)


class Response(TenantModel):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="responses")
    mode = models.CharField(_("回答方法"), max_length=10, choices=Mode.choices)
    stratum = models.CharField(_("層"), max_length=100, blank=True)
    weight = models.FloatField(_("ウェイト"), null=True, blank=True)
    answers = models.JSONField(_("回答"), default=dict)
    # Organisation surveys: one answer per member organisation.
    organisation = models.ForeignKey(
        MemberOrganisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Organisation surveys beyond the members: the listed organisation whose code answered.
    prospect = models.OneToOneField(
        "Prospect", on_delete=models.SET_NULL, null=True, blank=True, related_name="response"
    )
    import_batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    paper_sheet = models.CharField(_("調査票番号"), max_length=40, blank=True)
    # Organisation surveys: the unpublished directory service made from these answers for review.
    exported_service_uuid = models.UUIDField(null=True, blank=True, editable=False)
    exported_at = models.DateTimeField(null=True, blank=True, editable=False)
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(_("回答完了日時"), null=True, blank=True)

    objects: ClassVar = scoped_manager(ResponseQuerySet)

    class Meta:
        verbose_name = _("回答")
        verbose_name_plural = _("回答")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "organisation"],
                condition=Q(organisation__isnull=False),
                name="one_response_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["survey", "paper_sheet"], condition=~Q(paper_sheet=""), name="unique_paper_sheet"
            ),
        ]

    def __str__(self) -> str:
        return str(self.uuid)


class PaperEntry(TenantModel):
    """One keying of a paper questionnaire; two independent keyings are compared (double entry)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="paper_entries")
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="+")
    sheet = models.CharField(_("調査票番号"), max_length=40)
    invitation_code = models.CharField(_("招待コード"), max_length=9, blank=True)
    stratum = models.CharField(_("層"), max_length=100, blank=True)
    answers = models.JSONField(default=dict)
    pass_number = models.PositiveSmallIntegerField(_("入力回"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("紙の調査票の入力")
        verbose_name_plural = _("紙の調査票の入力")
        ordering = ["sheet", "pass_number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "sheet", "pass_number"], name="unique_paper_pass")
        ]

    def __str__(self) -> str:
        return f"{self.sheet} ({self.pass_number})"


class Reminder(TenantModel):
    """A reminder e-mail sent to a member organisation that had not answered."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="reminders")
    organisation = models.ForeignKey(MemberOrganisation, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.organisation} {self.sent_at:%Y-%m-%d}"


class FrameSnapshot(TenantModel):
    """Parquet copy of a survey's submitted responses (one column per answer code).

    Valid while ``revision == survey.data_revision``; rebuilt from ``Response.answers`` otherwise.
    """

    survey = models.OneToOneField(Survey, on_delete=models.CASCADE, related_name="snapshot")
    revision = models.PositiveIntegerField()
    parquet = models.BinaryField()
    rows = models.PositiveIntegerField(default=0)
    built_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.survey} r{self.revision}"


class WeightingSettings(TenantModel):
    """How a survey's responses are weighted and published (one per survey, edited by the secretariat).

    Base weights: population/respondents per stratum when ``stratum_population`` is filled (by
    default from the survey's drawn sample), else the imported ``weight`` column, else 1. Then
    post-stratification or raking to ``tables`` (population tables typed in or imported as CSV,
    stored as ``surveys.stats.weighting.MarginTable.to_json()``), then trimming to bounds given as
    multiples of the median weight.
    """

    class Scope(models.TextChoices):
        AUTO = "auto", _("無作為抽出の回答があればそれだけ、なければすべて")
        SAMPLE = "sample", _("無作為抽出の回答（Web・郵送・紙）")
        OPEN_WEB = "open_web", _("オープンWebの回答")
        ALL = "all", _("すべての回答")

    class Method(models.TextChoices):
        NONE = "none", _("調整しない")
        POSTSTRATIFY = "poststratify", _("事後層化（組合せの表に合わせる）")
        RAKE = "rake", _("レーキング（各周辺分布に合わせる）")

    survey = models.OneToOneField(Survey, on_delete=models.CASCADE, related_name="weighting")
    scope = models.CharField(_("集計する回答"), max_length=10, choices=Scope.choices, default=Scope.AUTO)
    stratum_code = models.CharField(
        _("層の設問コード"),
        max_length=40,
        blank=True,
        help_text=_("空欄なら標本抽出の層（回答に記録された層）を使います。"),
    )
    stratum_population = models.JSONField(_("層ごとの母集団"), default=dict, blank=True)
    method = models.CharField(_("母集団への調整"), max_length=15, choices=Method.choices, default=Method.NONE)
    tables = models.JSONField(_("母集団の表"), default=list, blank=True)
    trim_lower = models.FloatField(_("トリミングの下限（中央値の倍数）"), null=True, blank=True)
    trim_upper = models.FloatField(_("トリミングの上限（中央値の倍数）"), null=True, blank=True)
    small_cell = models.PositiveSmallIntegerField(
        _("公開時に隠す少数セル（人未満）"), default=10, validators=[MinValueValidator(1)]
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("ウェイト設定")
        verbose_name_plural = _("ウェイト設定")

    def __str__(self) -> str:
        return f"{self.survey} ウェイト設定"

    @classmethod
    def for_survey(cls, survey: Survey) -> WeightingSettings:
        """The saved settings, or the defaults (unsaved) for a survey that has none yet."""
        found = cls.objects.filter(survey=survey).first()
        return found if found is not None else cls(platform=survey.platform, survey=survey)

    def margin_tables(self) -> list[MarginTable]:
        from surveys.stats.weighting import MarginTable

        return [MarginTable.from_json(table) for table in self.tables]

    def modes(self) -> list[str] | None:
        """Response modes to analyse (None: all); open-web answers stay apart from the random sample."""
        if self.scope == self.Scope.SAMPLE:
            return list(SAMPLE_MODES)
        if self.scope == self.Scope.OPEN_WEB:
            return [Mode.OPEN_WEB]
        if (
            self.scope == self.Scope.AUTO
            and Response.objects.filter(survey=self.survey).random_sample().exists()
        ):
            return list(SAMPLE_MODES)
        return None

    def needed_codes(self) -> list[str]:
        codes = [self.stratum_code] if self.stratum_code else []
        for table in self.margin_tables():
            codes.extend(table.variables)
        return list(dict.fromkeys(codes))

    def strata_column(self, frame: pl.DataFrame) -> str | None:
        """The stratum question, else the sampling stratum recorded on the responses, else none."""
        if self.stratum_code:
            return self.stratum_code
        import polars as pl

        if "stratum" in frame.columns and frame.filter(pl.col("stratum").fill_null("") != "").height:
            return "stratum"
        return None

    def population_by_stratum(self) -> dict[str, float]:
        """Typed-in populations per stratum, else those of the survey's newest drawn sample."""
        if self.stratum_population:
            return {str(k): float(v) for k, v in self.stratum_population.items()}
        if self.stratum_code:
            return {}
        sample = Sample.objects.filter(survey=self.survey).order_by("-created_at").first()
        if sample is None:
            return {}
        return {str(k): float(v["population"]) for k, v in sample.strata.items() if v.get("population")}

    def plan(self, frame: pl.DataFrame) -> WeightingPlan:
        from surveys.stats.weighting import TrimBounds, WeightingPlan

        stratum = self.strata_column(frame)
        population = self.population_by_stratum() if stratum else {}
        return WeightingPlan(
            stratum=stratum,
            stratum_population=population or None,
            method=self.method,
            tables=tuple(self.margin_tables()) if self.method != self.Method.NONE else (),
            trim=TrimBounds(lower=self.trim_lower, upper=self.trim_upper),
        )

    def uses_imported_weight(self, frame: pl.DataFrame) -> bool:
        """Imported weights (a ``weight`` column) are the base weights unless populations per stratum are set."""
        if self.strata_column(frame) and self.population_by_stratum():
            return False
        return "weight" in frame.columns and frame["weight"].null_count() < frame.height


class Prospect(TenantModel):
    """An organisation that is not a member, invited to an organisation survey from a list.

    Saitama surveyed NPOs that were not members and Shiga's survey of 88 bodies doubled as
    recruitment (seed 001): the list comes from a CSV upload (name, type, area, e-mail).
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="prospects")
    name = models.CharField(_("団体名"), max_length=200)
    folded_name = models.CharField(max_length=200, editable=False)
    org_type = models.CharField(_("団体の種別"), max_length=60)
    area = models.CharField(_("地域"), max_length=60)
    # An organisation with no e-mail address is invited by a printed letter sent to its address.
    email = models.EmailField(_("メールアドレス"), blank=True)
    postal_code = models.CharField(_("郵便番号"), max_length=8, blank=True)
    address = models.CharField(_("住所"), max_length=200, blank=True)
    # Listed from another platform's member register (that platform chose to share it).
    source_platform = models.ForeignKey(
        Platform, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invitation = models.OneToOneField(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="prospect"
    )
    invited_at = models.DateTimeField(_("依頼メール"), null=True, blank=True)
    # Invited by a printed letter (no e-mail address): the code is on the letter, no reminders.
    invited_by_letter = models.BooleanField(_("郵送で依頼"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    # Reminders to an organisation that has not answered (at most one a day, a week apart).
    reminders_sent = models.PositiveSmallIntegerField(_("督促の回数"), default=0)
    last_reminded_at = models.DateTimeField(_("最後の督促"), null=True, blank=True)
    # The organisation asked not to be mailed again (the link in every mail): no reminders.
    opted_out_at = models.DateTimeField(_("配信停止"), null=True, blank=True)
    # The secretariat sent it the pre-filled membership application (入会申込) link.
    join_invited_at = models.DateTimeField(_("入会申込の案内"), null=True, blank=True)

    class Meta:
        verbose_name = _("会員外の調査対象団体")
        verbose_name_plural = _("会員外の調査対象団体")
        ordering = ["org_type", "area", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "folded_name"], name="unique_prospect_per_survey")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def answered(self) -> bool:
        return self.invitation is not None and self.invitation.used_at is not None


class RegisterSharing(models.Model):
    """Whether this platform lets other platforms invite its member organisations to their
    organisation surveys (off until the secretariat turns it on). Only the members' name, type and
    area, and the e-mail address or postal address each member consented to publish, are shown."""

    platform = models.OneToOneField(Platform, on_delete=models.CASCADE, related_name="+")
    shares_register = models.BooleanField(
        _("会員名簿を他のプラットフォームの団体調査に提供する"), default=False
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("会員名簿の共有")
        verbose_name_plural = _("会員名簿の共有")

    def __str__(self) -> str:
        return f"{self.platform} register sharing"


class ReportRendering(models.Model):
    """A rendered report PDF (the published results), kept until the data it was made from
    changes: ``key`` names the version of the responses, weights, settings and layout; an empty
    row (``pages`` 0) is a claim while the task worker renders it (``tsunagari.lib.pdf_cache``)."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="+")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    language = models.CharField(max_length=10)
    pdf = models.BinaryField()
    pages = models.PositiveSmallIntegerField()
    # What the report counted, for the audit entry of each download.
    responses = models.PositiveIntegerField(default=0)
    small_cell = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = platform_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "key"], name="survey_report_rendering_key")]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.language} {self.key[:12]}"
