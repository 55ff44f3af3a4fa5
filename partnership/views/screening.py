"""PLACEHOLDER: being written (replace this whole module)."""

from django.http import HttpResponse


def _todo(*args, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("todo", status=501)


join = join_done = register = application_list = application_detail = _todo
member_list = export_csv = export_xlsx = member_detail = expel = withdraw = _todo
pending_changes = change_detail = withdrawal_detail = tiers = _todo
my_organisation = change_request = withdrawal = _todo
council_list = council_detail = core_partners = _todo
