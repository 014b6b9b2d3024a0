"""The organisers' report across events: a period, its numbers on the page and as XLSX."""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from events.models import Event
from registrations.forms import ReportForm
from registrations.reports import across_events, report_xlsx_response


def report_page(model_admin, request):
    """Only events of the user's organisations (led or co-organised) are counted."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    form = ReportForm(request.GET or None)
    report, status = None, 200
    if form.is_bound and form.is_valid():
        report = across_events(
            events=Event.objects.organised_by_member(request.user),
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
        )
        if "xlsx" in request.GET:
            return report_xlsx_response(report)
    elif form.is_bound:
        status = 400
    return TemplateResponse(
        request,
        "admin/events/event/report.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "title": _("Report across events"),
            "form": form,
            "report": report,
        },
        status=status,
    )
