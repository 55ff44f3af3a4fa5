"""Objects addressed by the audit app's staff URLs, for platforms/tests/test_url_matrix.py."""

from __future__ import annotations

from tsunagari.lib.outbox.models import OutboxMail


def objects(platform, member) -> dict[str, object]:  # type: ignore[no-untyped-def]
    failed = OutboxMail.objects.create(
        platform=platform,
        key=f"matrix:{platform.slug}",
        from_email="noreply@example.jp",
        to=[member.email],
        subject="お知らせ",
        body="本文",
        state=OutboxMail.State.FAILED,
        last_error="550 rejected",
    )
    return {"audit:mail_detail": failed}
