"""A referrer's "Disagree with this decision?" page behind their referral's outcome link, and
escalating that disagreement; public pages, rate limited."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from frontdoor.accounts.middleware import PUBLIC, requires
from frontdoor.accounts.services import secret_digest
from frontdoor.audit.models import AccessAction
from frontdoor.audit.services import access_log_record
from frontdoor.escalations import services
from frontdoor.escalations.forms import DisagreeForm, ReasonForm
from frontdoor.escalations.models import Escalation, EscalationStageName
from frontdoor.escalations.records import record_key
from frontdoor.escalations.selectors import escalations_by_submission
from frontdoor.escalations.views import GET_POST
from frontdoor.intake.models import ContactChild, Submission
from frontdoor.intake.selectors import short_name
from frontdoor.intake.submissions import submission_by_feedback_token
from frontdoor.mash.models import Decision
from frontdoor.people.models import Person
from frontdoor.web.pages import run_service

logger = logging.getLogger("frontdoor.escalations.views")

#: A referrer's outcome link may send this many forms an hour (a fixed window in the cache).
PUBLIC_POSTS_PER_HOUR = 10

# --------------------------------------------------------------------------- referrers


@dataclass(frozen=True)
class ChildChoice:
    key: str
    name: str
    child: Person
    record: Model
    about: str


def _referrer_choices(submission: Submission) -> list[ChildChoice]:
    """Each child of the referral and what a disagreement about them is about: the signed-off
    MASH decision, else the screening decision, else (nothing decided yet) the delay."""
    if submission.contact_id is None:
        return []
    links = ContactChild.objects.filter(contact_id=submission.contact_id).select_related(
        "child", "contact"
    )
    choices: list[ChildChoice] = []
    for link in links.order_by("id"):
        decision = (
            Decision.objects.filter(
                enquiry__referral__contact_child=link, signed_off_at__isnull=False
            )
            .select_related("enquiry")
            .first()
        )
        name = short_name(link.child.first_name, link.child.last_name)
        if decision is not None:
            choices.append(ChildChoice(str(link.pk), name, link.child, decision, "decision"))
        elif link.outcome:
            choices.append(ChildChoice(str(link.pk), name, link.child, link, "decision"))
        else:
            choices.append(ChildChoice(str(link.pk), name, link.child, link, "delay"))
    return choices


def _public_posts_allowed(token: str) -> bool:
    """Count this form in the link's one-hour window; False past the limit.

    The same fixed window as the partner API's rate limit (``add`` then ``incr``); if the
    cache fails the form is let through.
    """
    window = int(time.time() // 3600)
    key = f"frontdoor:disagree:{secret_digest(token)[:32]}:{window}"
    try:
        cache.add(key, 0, timeout=7200)
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=7200)
            count = 1
    except Exception:
        logger.warning("Disagreement form not rate limited: the cache failed", exc_info=True)
        return True
    return count <= PUBLIC_POSTS_PER_HOUR


def _public(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    # Not "no-referrer" like the outcome page: with it the browser sends "Origin: null" on
    # this page's form and Django's CSRF check refuses it. "same-origin" still keeps the link's
    # token from every other site.
    response["Referrer-Policy"] = "same-origin"
    return response


def _referrer(submission: Submission) -> tuple[str, str, str]:
    referrer = (
        submission.payload.get("referrer", {}) if isinstance(submission.payload, dict) else {}
    )
    referrer = referrer if isinstance(referrer, dict) else {}
    return (
        str(referrer.get("name") or "").strip(),
        str(referrer.get("organisation") or "").strip(),
        (submission.referrer_email or str(referrer.get("email") or "")).strip(),
    )


def _too_many(request: HttpRequest) -> HttpResponse:
    response = _public(request, "escalations/public_too_many.html", {}, status=429)
    response["Retry-After"] = str(max(1, math.ceil(3600 - time.time() % 3600)))
    return response


@requires(PUBLIC)
@GET_POST
def referral_disagree(request: HttpRequest, token: str) -> HttpResponse:
    """A professional referrer tells us they disagree with the decision on their referral (or
    its delay), and reads our answers to what they raised before."""
    submission = submission_by_feedback_token(token)
    if submission is None:
        return _public(request, "referral/outcome_not_found.html", {}, status=404)
    choices = _referrer_choices(submission)
    name, organisation, email = _referrer(submission)
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None and len(choices) == 1 and not data.get("child"):
        data["child"] = choices[0].key  # one child: nothing to choose
    form = DisagreeForm(data, children=[(c.key, c.name) for c in choices])
    if request.method == "POST":
        if not _public_posts_allowed(token):
            return _too_many(request)
        if choices and form.is_valid():
            chosen = next(c for c in choices if c.key == form.cleaned_data["child"])
            record_type, record_id = record_key(chosen.record)
            done = run_service(
                form,
                lambda: services.escalation_raise(
                    child=chosen.child,
                    record_type=record_type,
                    record_id=record_id,
                    about=chosen.about,
                    disagreement=form.cleaned_data["disagreement"],
                    outcome_sought=form.cleaned_data["outcome_sought"],
                    by=None,
                    raiser_name=name,
                    raiser_organisation=organisation,
                    raiser_email=email,
                    submission=submission,
                ),
            )
            if done is not None:
                return redirect(request.path + "?sent=1")
    raised = escalations_by_submission(submission)
    children = [c.child for c in choices] or [e.child for e in raised]
    if children:
        access_log_record(
            user=None,
            children=children,
            record=submission,
            action=AccessAction.VIEW,
            at=timezone.now(),
            path=request.path,
        )
    return _public(
        request,
        "escalations/public_disagree.html",
        {
            "form": form,
            "choices": choices,
            "raised": raised,
            "submission": submission,
            "referrer_email": email,
            "sent": request.GET.get("sent") == "1",
            "outcome_url": request.path.rsplit("disagree/", 1)[0],
            "names": {e.pk: short_name(e.child.first_name, e.child.last_name) for e in raised},
            "now_time": timezone.now(),
            "token": token,
        },
    )


@requires(PUBLIC)
@GET_POST
def referral_disagree_escalate(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """A referrer does not accept our answer (or had none in time): the next stage."""
    submission = submission_by_feedback_token(token)
    if submission is None:
        return _public(request, "referral/outcome_not_found.html", {}, status=404)
    escalation = (
        Escalation.objects.filter(pk=pk, submission=submission, raised_by__isnull=True)
        .select_related("child")
        .first()
    )
    if escalation is None:
        return _public(request, "referral/outcome_not_found.html", {}, status=404)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    back = request.path.rsplit(f"{pk}/escalate/", 1)[0]
    if request.method == "POST":
        if not _public_posts_allowed(token):
            return _too_many(request)
        if form.is_valid():
            done = run_service(
                form,
                lambda: services.escalation_escalate(
                    escalation=escalation,
                    reason=form.cleaned_data["reason"],
                    by=None,
                    submission=submission,
                ),
            )
            if done is not None:
                return redirect(back + "?sent=1")
    access_log_record(
        user=None,
        children=[escalation.child],
        record=escalation,
        action=AccessAction.VIEW,
        at=timezone.now(),
        path=request.path,
    )
    following = services.next_stage(escalation.stage)
    return _public(
        request,
        "escalations/public_escalate.html",
        {
            "form": form,
            "escalation": escalation,
            "name": short_name(escalation.child.first_name, escalation.child.last_name),
            "back": back,
            "next_label": EscalationStageName(following).label if following else "",
        },
    )
