"""Staff accounts (e-mail login) and their roles per platform."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from platforms.models import Platform


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
        return any(role.requires_2fa for role in self.roles.all())


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
    TWO_FACTOR_KINDS = {SECRETARIAT_ADMIN, SECRETARIAT_STAFF, COUNSELLOR}
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
