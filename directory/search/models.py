"""The search index table (one row per service), imported by directory/models.py."""

from __future__ import annotations

from django.db import models

from platforms.models import Platform, platform_manager


class SearchEntry(models.Model):
    """What search matches a service by: analysed terms and the columns ranking needs.

    Written only by ``directory.search.index`` (signals and ``rebuild_search_index``). On
    SQLite an FTS5 table mirrors the term columns through triggers; on PostgreSQL GIN indexes
    cover them (migration 0002_search... creates both per vendor).
    """

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="+")
    service = models.OneToOneField("directory.Service", on_delete=models.CASCADE, related_name="search_entry")
    # Space-separated terms (see directory.search.analysis).
    title = models.TextField(blank=True)
    words = models.TextField(blank=True)
    synonyms = models.TextField(blank=True)
    readings = models.TextField(blank=True)
    grams = models.TextField(blank=True)
    romaji = models.TextField(blank=True)
    scope = models.TextField(blank=True)  # pf<platform id> and "pub" when public (backends.scope_terms)
    # Ranking and filtering.
    is_public = models.BooleanField(default=False)
    crisis_rank = models.PositiveSmallIntegerField(default=0)
    area_codes = models.TextField(blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    sort_key = models.CharField(max_length=300, blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    objects = platform_manager()

    class Meta:
        indexes = [
            models.Index(fields=["platform", "is_public", "sort_key"], name="directory_search_list"),
            # Crisis lines are few; search_services() looks them up for every crisis query.
            models.Index(fields=["crisis_rank"], name="directory_search_crisis"),
        ]

    def __str__(self) -> str:
        return f"search entry of service {self.service_id}"
