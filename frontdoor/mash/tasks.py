"""Background work for the MASH, run by the database-backed task worker after commit."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task

from frontdoor.accounts.models import Role, User
from frontdoor.mash.models import Decision, PartnerRequest


@task()
def notify_agency_of_request(request_id: int) -> int:
    """Tell an agency's practitioners that a request is waiting (no child details in email)."""
    request = PartnerRequest.objects.select_related("agency").get(pk=request_id)
    recipients = list(
        User.objects.filter(agency=request.agency, role=Role.PARTNER_PRACTITIONER, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return 0
    due = (
        f" It is due by {timezone.localtime(request.due_at):%d %b %Y %H:%M}."
        if request.due_at
        else ""
    )
    return send_mail(
        subject="Front Door: a MASH information request is waiting",
        message=f"The MASH has sent {request.agency.name} information request "
        f"R{request.pk}.{due} Sign in to Front Door to answer it.",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )


@task()
def send_referrer_feedback(decision_id: int) -> int:
    """Send the referrer the recorded feedback on the MASH decision, where we have an email."""
    decision = Decision.objects.select_related("enquiry__referral__contact_child__contact").get(
        pk=decision_id
    )
    contact = decision.enquiry.referral.contact_child.contact
    if not contact.referrer_email:
        return 0
    return send_mail(
        subject=f"Front Door: the outcome of your contact {contact.reference}",
        message=decision.referrer_feedback,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[contact.referrer_email],
    )
