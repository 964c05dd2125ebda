"""The public online referral form, and a professional referrer's outcome page.

GOV.UK question pages: one question (or a few close ones) a page, answers saved to the
draft (``frontdoor.intake.submissions``) after every page, check your answers, then one
submission however many times "Accept and send" is pressed. Every page works without
JavaScript. The session holds only the draft's public id, and, once it is sent, the
submission's id for the confirmation page.

``flow`` holds the journey (the draft in the session, the order of the pages, the question
page); the pages are in one module a topic, in the order a referrer meets them.
"""

from frontdoor.intake.views.check_pages import check, confirmation
from frontdoor.intake.views.children_pages import child, child_address, child_remove, children
from frontdoor.intake.views.concern_pages import concern, consent, evidence, lawful_basis, parents
from frontdoor.intake.views.family_pages import adult, adult_remove, adults, family
from frontdoor.intake.views.outcome_page import outcome
from frontdoor.intake.views.referrer_pages import referrer, risk, risk_warning, start, who
from frontdoor.intake.views.save_pages import resume, save, saved

__all__ = [
    "adult",
    "adult_remove",
    "adults",
    "check",
    "child",
    "child_address",
    "child_remove",
    "children",
    "concern",
    "confirmation",
    "consent",
    "evidence",
    "family",
    "lawful_basis",
    "outcome",
    "parents",
    "referrer",
    "resume",
    "risk",
    "risk_warning",
    "save",
    "saved",
    "start",
    "who",
]
