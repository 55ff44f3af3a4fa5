"""Stratified random samples from an uploaded frame (住民基本台帳 extract), with the seed recorded,
and their invitations (the allocation and the draw: ``surveys.stratified``; the mail-merge list:
``surveys.queries.samples``)."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction

from accounts.permissions import Actor
from audit.models import AuditEntry
from audit.services import log_action
from surveys import printing
from surveys.models import Invitation, Sample, Survey
from surveys.queries import mail_merge_csv, mail_merge_xlsx, unused_codes
from surveys.stratified import check_frame, draw, stratum_names
from surveys.tables import read_table


@transaction.atomic
def do_draw_sample(
    survey: Survey,
    content: bytes,
    filename: str,
    *,
    strata: list[str],
    allocation: str,
    size: int,
    seed: int | None = None,
    actor: Any = None,
) -> Sample:
    frame = read_table(content, filename)
    counts = check_frame(frame, strata, size, allocation)
    seed = seed if seed is not None else secrets.randbits(48)
    populations = dict(stratum_names(frame, strata).value_counts().iter_rows())
    sampled = draw(frame, strata, counts, seed)
    sample = Sample.objects.create(
        platform=survey.platform,
        survey=survey,
        frame_name=filename[:200],
        frame_size=frame.height,
        strata_columns=strata,
        columns=list(frame.columns),
        allocation=allocation,
        size=sampled.height,
        seed=seed,
        strata={s: {"population": populations[s], "sample": counts[s]} for s in sorted(counts)},
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    address_columns = [c for c in sampled.columns if c != "stratum"]
    invitations = [
        Invitation(
            platform=survey.platform,
            survey=survey,
            sample=sample,
            code=code,
            stratum=row["stratum"],
            address={c: row[c] for c in address_columns if row[c] is not None},
        )
        for code, row in zip(unused_codes(survey, sampled.height), sampled.iter_rows(named=True), strict=True)
    ]
    Invitation.objects.bulk_create(invitations, batch_size=2000)
    log_action(
        "survey.sample_drawn",
        actor=actor,
        platform=survey.platform,
        obj=survey,
        data={
            "size": sample.size,
            "seed": seed,
            "allocation": allocation,
            "strata": strata,
            "frame_size": frame.height,
        },
    )
    return sample


@transaction.atomic
def do_purge_addresses(sample: Sample, *, actor: Any = None) -> int:
    """Erase the names and addresses kept for mail merge (after mailing); codes and strata stay."""
    count = Invitation.objects.filter(sample=sample).exclude(address={}).update(address={})
    log_action(
        "survey.sample_addresses_purged",
        actor=actor,
        platform=sample.platform,
        obj=sample.survey,
        data={"count": count},
    )
    return count


def do_export_mail_merge(sample: Sample, survey_url: str, *, xlsx: bool = False, actor: Actor) -> bytes:
    """The mail-merge list (names and addresses of the residents drawn) as CSV or Excel, audited as
    an export of personal data: who took it, of which sample, how many rows."""
    content = mail_merge_xlsx(sample, survey_url) if xlsx else mail_merge_csv(sample, survey_url)
    _log_address_export(sample, "sample_mail_merge", "xlsx" if xlsx else "csv", actor)
    return content


def do_print_letters(sample: Sample, survey_url: str, *, actor: Actor) -> bytes:
    """The request letters (one per resident drawn, with the window-envelope address) as a PDF,
    audited as an export of personal data."""
    content = printing.letters_pdf(sample, survey_url)
    _log_address_export(sample, "sample_letters", "pdf", actor)
    return content


def _log_address_export(sample: Sample, kind: str, file_format: str, actor: Actor) -> None:
    rows = Invitation.objects.filter(sample=sample).exclude(address={}).count()
    log_action(
        AuditEntry.EXPORT,
        by=actor,
        platform=sample.platform,
        obj=sample.survey,
        data={"kind": kind, "format": file_format, "sample": str(sample.uuid), "rows": rows},
    )
