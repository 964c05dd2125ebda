"""A professional referrer's outcome page, opened by the emailed link."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from frontdoor.accounts.middleware import PUBLIC, requires
from frontdoor.audit.models import AccessAction
from frontdoor.audit.services import access_log_record
from frontdoor.intake import selectors
from frontdoor.intake.submissions import submission_by_feedback_token
from frontdoor.intake.views.flow import _render


@requires(PUBLIC)
@require_GET
def outcome(request: HttpRequest, token: str) -> HttpResponse:
    submission = submission_by_feedback_token(token)
    if submission is None:
        return _render(request, "referral/outcome_not_found.html", {}, status=404)
    found = selectors.referral_outcome(submission)
    access_log_record(
        user=None,
        children=found.people,
        record=submission,
        action=AccessAction.VIEW,
        at=timezone.now(),
        path=request.path,
    )
    response = _render(request, "referral/outcome.html", {"outcome": found})
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
