"""Pages for what a decision leaves behind: feedback to give the referrer (a call or a letter
to record), and new information on an open case for the allocated worker to act on."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from frontdoor.accounts.access import Perm, can
from frontdoor.accounts.middleware import requires
from frontdoor.audit.selectors import timeline_for
from frontdoor.intake import contact_forms as forms
from frontdoor.intake.clocks import feedback_clock, open_case_clock
from frontdoor.intake.feedback import feedback_given_at, feedback_record, feedback_state
from frontdoor.intake.models import OpenCaseInformation, ReferrerFeedback
from frontdoor.intake.services import open_case_acknowledge
from frontdoor.web.pages import log_view, run_service

GET_POST = require_http_methods(["GET", "POST"])


@requires(Perm.CONTACT_VIEW)
@GET_POST
def feedback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Feedback to a referrer: how it stands, and (to give it by phone or letter) a form."""
    feedback = get_object_or_404(
        ReferrerFeedback.objects.select_related(
            "contact", "contact_child__child", "email_message", "policy", "given_by", "team"
        ),
        pk=pk,
    )
    open_for_a_person = (
        feedback_given_at(feedback) is None
        and feedback.closed_at is None
        and (feedback.email_message is None or feedback.email_message.status == "failed")
    )
    may_record = open_for_a_person and can(request.user, Perm.FEEDBACK_RECORD)
    form = forms.FeedbackRecordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            done = run_service(
                form,
                lambda: feedback_record(
                    feedback=feedback,
                    method=data["method"],
                    given_at=form.given_at(),
                    note=data["note"],
                    by=request.user,  # type: ignore[arg-type]
                ),
            )
            if done is not None:
                return redirect("feedback-detail", pk)
    log_view(request, [feedback.contact_child.child], feedback.contact)
    return render(
        request,
        "intake/feedback_detail.html",
        {
            "feedback": feedback,
            "contact": feedback.contact,
            "state": feedback_state(feedback),
            "given_at": feedback_given_at(feedback),
            "clock": feedback_clock(feedback, timezone.now()),
            "form": form,
            "may_record": may_record,
            "events": timeline_for([("referrerfeedback", feedback.pk)]),
        },
    )


@requires(Perm.CONTACT_VIEW)
@GET_POST
def open_case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """New information on an open case: what came in, and the worker's acknowledgement."""
    item = get_object_or_404(
        OpenCaseInformation.objects.select_related(
            "contact_child__child", "contact_child__contact", "worker", "policy", "acknowledged_by"
        ),
        pk=pk,
    )
    may_act = item.acknowledged_at is None and can(request.user, Perm.OPEN_CASE_ACT, item)
    form = forms.OpenCaseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not may_act:
            raise PermissionDenied
        if form.is_valid():
            user: Any = request.user
            done = run_service(
                form,
                lambda: open_case_acknowledge(
                    item=item, action_taken=form.cleaned_data["action_taken"], by=user
                ),
            )
            if done is not None:
                return redirect("open-case-detail", pk)
    link = item.contact_child
    log_view(request, [link.child], link.contact)
    return render(
        request,
        "intake/open_case_detail.html",
        {
            "item": item,
            "link": link,
            "contact": link.contact,
            "clock": open_case_clock(item, timezone.now()),
            "form": form,
            "may_act": may_act,
        },
    )
