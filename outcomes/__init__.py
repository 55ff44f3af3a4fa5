"""Outcomes: trial projects (実証事業) and KPIs, campaigns and flyers, dashboards, the prefecture's comparison, the annual report.

Other apps add the figures a KPI can be measured from with ``outcomes.sources.register(Source(...))``
from their ``AppConfig.ready()``; ``outcomes/sources.py`` documents the API.
"""
