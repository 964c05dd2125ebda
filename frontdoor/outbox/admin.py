"""The outbox in the admin: read-only, with "Retry now" for failed messages."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from frontdoor.outbox.models import Message
from frontdoor.outbox.services import message_retry

# The body is not shown: it may hold a link that lets the reader continue a saved referral.
FIELDS = (
    "kind",
    "to",
    "subject",
    "about",
    "reference",
    "status",
    "attempts",
    "created_at",
    "next_attempt_at",
    "claimed_at",
    "sent_at",
    "provider_id",
    "last_error",
)


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "about",
        "reference",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["reference", "about", "provider_id", "=to"]
    date_hierarchy = "created_at"
    fields = FIELDS
    readonly_fields = FIELDS
    actions = ["retry_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Message | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Message | None = None) -> bool:
        return False

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("outbox.change_message"))

    @admin.action(description="Retry now", permissions=["retry"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        retried, refused = 0, 0
        for message in queryset:
            try:
                message_retry(message=message, by=request.user)  # type: ignore[arg-type]
            except ValidationError:
                refused += 1
            else:
                retried += 1
        self.message_user(request, f"{retried} message(s) queued to be sent again.")
        if refused:
            self.message_user(
                request,
                f"{refused} message(s) were left alone: already sent or being sent now.",
                level=messages.WARNING,
            )
