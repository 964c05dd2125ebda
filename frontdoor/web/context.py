"""What the page layout needs to know about the signed-in user."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from frontdoor.accounts.access import Perm, permissions_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    perms = permissions_for(getattr(request, "user", None))
    return {
        "can_queue": Perm.QUEUE_VIEW in perms,
        "can_overview": Perm.OVERVIEW_VIEW in perms,
        "can_create_contact": Perm.CONTACT_CREATE in perms,
        "can_child": Perm.CHILD_VIEW in perms,
        "can_screen": Perm.SCREEN in perms,
        "can_reconcile": Perm.RECONCILIATION_VIEW in perms,
        "can_review_duplicates": Perm.DUPLICATE_REVIEW in perms,
        "can_supervision": Perm.SUPERVISION_VIEW in perms,
        "can_escalations": Perm.ESCALATION_VIEW in perms,
        "can_audit": Perm.AUDIT_VIEW in perms,
        "can_retention": Perm.RETENTION_REVIEW in perms,
        "can_subject_access": Perm.SUBJECT_ACCESS in perms,
        "can_find_work": Perm.CONTACT_VIEW in perms,
        "can_caseload": Perm.CASELOAD_VIEW in perms,
        "can_edit_records": Perm.RECORD_EDIT in perms,
    }
