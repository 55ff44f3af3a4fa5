"""Staff accounts (e-mail login) and their roles per platform."""

from __future__ import annotations

import datetime
import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from platforms.models import Platform
from tsunagari.lib.tenancy import TenantModel


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("メールアドレス"), unique=True)
    name = models.CharField(_("氏名"), max_length=80, blank=True)
    is_active = models.BooleanField(_("有効"), default=True)
    is_staff = models.BooleanField(
        _("運営者（管理サイト）"), default=False, help_text=_("システム運営者の管理サイトに入れる")
    )
    date_joined = models.DateTimeField(_("登録日時"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []  # noqa: RUF012

    class Meta:
        verbose_name = _("ユーザー")
        verbose_name_plural = _("ユーザー")

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def requires_2fa(self) -> bool:
        """Operators (the admin site) and every role: each can read personal or consultation data
        (member staff and viewers read transcripts shared under consent)."""
        return self.is_staff or self.is_superuser or any(role.requires_2fa for role in self.roles.all())


class Role(models.Model):
    """What one user may do on one platform."""

    SECRETARIAT_ADMIN = "secretariat_admin"
    SECRETARIAT_STAFF = "secretariat_staff"
    COUNSELLOR = "counsellor"
    MEMBER_STAFF = "member_staff"
    VIEWER = "viewer"
    KINDS = [
        (SECRETARIAT_ADMIN, _("事務局（管理者）")),
        (SECRETARIAT_STAFF, _("事務局スタッフ")),
        (COUNSELLOR, _("相談員")),
        (MEMBER_STAFF, _("会員団体スタッフ")),
        (VIEWER, _("閲覧者")),
    ]
    # Every role signs in with a second factor (issue 16): member staff and viewers read
    # consultation transcripts shared under consent, and the rest personal data.
    TWO_FACTOR_KINDS = {SECRETARIAT_ADMIN, SECRETARIAT_STAFF, COUNSELLOR, MEMBER_STAFF, VIEWER}
    SECRETARIAT = frozenset({SECRETARIAT_ADMIN, SECRETARIAT_STAFF})

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("役割"), max_length=20, choices=KINDS)
    organisation = models.ForeignKey(
        "partnership.MemberOrganisation",
        verbose_name=_("所属会員団体"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="staff_roles",
        help_text=_("会員団体スタッフの場合に必須"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("役割")
        verbose_name_plural = _("役割")
        constraints = [models.UniqueConstraint(fields=["user", "platform"], name="one_role_per_platform")]

    def __str__(self) -> str:
        return f"{self.user} / {self.platform} / {self.get_kind_display()}"

    @property
    def requires_2fa(self) -> bool:
        return self.kind in self.TWO_FACTOR_KINDS

    @property
    def is_secretariat(self) -> bool:
        return self.kind in self.SECRETARIAT

    @property
    def is_admin(self) -> bool:
        return self.kind == self.SECRETARIAT_ADMIN


class Invitation(TenantModel):
    """A role on a platform offered to a person by e-mail; it becomes a ``Role`` only when the person
    opens the mailed link (signed, expiring after ``DAYS``, usable once) and accepts it.

    Until then nothing links the address to the platform: an existing account's history (its
    sign-ins, failed codes) is not shown to a platform it has not joined, and the secretariat sees
    the same answer whether or not the address already has an account.
    """

    DAYS = 7

    email = models.EmailField(_("メールアドレス"))
    name = models.CharField(_("氏名"), max_length=80)
    kind = models.CharField(_("役割"), max_length=20, choices=Role.KINDS)
    organisation = models.ForeignKey(
        "partnership.MemberOrganisation",
        verbose_name=_("所属会員団体"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    expires_at = models.DateTimeField(_("有効期限"))
    accepted_at = models.DateTimeField(_("承諾日時"), null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    cancelled_at = models.DateTimeField(_("取消日時"), null=True, blank=True)

    # The inherited manager fails closed outside a platform's scope; the invitation link (no
    # platform in its URL) looks its invitation up with scopes disabled
    # (accounts.queries.invitation_for_token).

    class Meta:
        verbose_name = _("招待")
        verbose_name_plural = _("招待")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} / {self.platform} / {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.cancelled_at is None and self.expires_at > timezone.now()


class LoginDelay(models.Model):
    """Failed sign-ins of one account name (the address typed, whether or not an account has it),
    from any client address: after ``FREE_FAILURES`` the next try must wait, longer after each
    further failure (``delay()``), up to ``MAX_DELAY``. Counted per account so that rotating
    addresses does not help; a delay, not a lock, so that no one can shut a colleague out for
    long; the secretariat admin can clear it (``services.do_unlock_account``). The lock per
    account and client address (django-axes, the real address from the trusted proxy) stays.
    """

    FREE_FAILURES = 10
    FIRST_DELAY = datetime.timedelta(seconds=30)
    MAX_DELAY = datetime.timedelta(minutes=15)
    FORGET_AFTER = datetime.timedelta(hours=24)

    username = models.CharField(max_length=254, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.username}: {self.failures}"

    def delay(self) -> datetime.timedelta:
        extra = self.failures - self.FREE_FAILURES
        if extra < 0:
            return datetime.timedelta(0)
        return min(self.FIRST_DELAY * (2 ** min(extra, 16)), self.MAX_DELAY)

    def wait(self, now: datetime.datetime) -> datetime.timedelta:
        """How long before the next try is allowed (zero when it is)."""
        if self.last_failure_at is None:
            return datetime.timedelta(0)
        return max(datetime.timedelta(0), self.last_failure_at + self.delay() - now)
