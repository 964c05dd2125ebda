from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from frontdoor.accounts.models import (
    Agency,
    ApiScope,
    ApiToken,
    SignInEvent,
    SignInLock,
    Team,
    User,
)
from frontdoor.accounts.services import api_token_issue, api_token_revoke
from frontdoor.accounts.signin import sign_in_unlock


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "team", "agency", "is_active"]
    list_filter = ["role", "team", "agency", "is_active"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        ("Front Door", {"fields": ("role", "team", "agency", "job_title")}),
    )


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "receives_requests", "active"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "agency"]


# --------------------------------------------------------------------------- API tokens


def token_state(token: ApiToken, at: datetime | None = None) -> str:
    """``live``, ``revoked`` or ``expired``."""
    at = at or timezone.now()
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= at:
        return "expired"
    return "live"


class TokenStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("live", "Live"), ("revoked", "Revoked"), ("expired", "Expired")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        now = timezone.now()
        not_expired = Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        if self.value() == "live":
            return queryset.filter(not_expired, revoked_at__isnull=True)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True).exclude(not_expired)
        return queryset


class ApiTokenIssueForm(forms.Form):
    agency = forms.ModelChoiceField(queryset=Agency.objects.filter(active=True))
    name = forms.CharField(max_length=200, help_text="Which system will use it, e.g. “Niche RMS”.")
    scopes = forms.MultipleChoiceField(
        choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple
    )
    expires_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The token stops working at the start of this day (UK time). "
        "Leave empty for a token that does not expire.",
    )


class ApiTokenRevokeForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Why the tokens are being revoked (kept in the audit history).",
    )


_ISSUE_TEMPLATE = """{% extends "admin/base_site.html" %}
{% block breadcrumbs %}<div class="breadcrumbs">
<a href="{% url 'admin:index' %}">Home</a> ›
<a href="{% url 'admin:app_list' app_label=opts.app_label %}">
{{ opts.app_config.verbose_name }}</a> ›
<a href="{% url 'admin:accounts_apitoken_changelist' %}">
{{ opts.verbose_name_plural|capfirst }}</a> ›
Issue
</div>{% endblock %}
{% block content %}
{% if plaintext %}
<p>API token <strong>{{ token.prefix }}</strong> was issued to <strong>{{ token.agency }}</strong>
for {{ token.name }} (scopes: {{ token.scopes|join:", " }}{% if token.expires_at %};
expires {{ token.expires_at }}{% endif %}).</p>
<p><strong>Copy the token now and give it to the agency securely. It is shown only this once:
Front Door keeps only a hash of it and cannot show it again.</strong></p>
<p><input type="text" readonly size="80" value="{{ plaintext }}" id="id_plaintext"
  aria-label="The API token"></p>
<p>The system sends it as <code>Authorization: Bearer {{ token.prefix }}…</code>.
See docs/api.md, “Partner intake”.</p>
<p><a class="button" href="{% url 'admin:accounts_apitoken_changelist' %}">Done</a></p>
{% else %}
<p>The token is shown once, when it is issued. Revoke it from the list if it is lost or leaked.</p>
<form method="post">{% csrf_token %}
{{ form.as_div }}
<div class="submit-row"><input type="submit" class="default" value="Issue token"></div>
</form>
{% endif %}
{% endblock %}
"""

_REVOKE_TEMPLATE = """{% extends "admin/base_site.html" %}
{% block content %}
<p>Revoke these API tokens? The systems using them will be refused at once. This cannot be
undone: issue a new token if one is needed.</p>
<ul>{% for token in tokens %}<li>{{ token }}</li>{% endfor %}</ul>
<form method="post">{% csrf_token %}
{% for token in tokens %}
<input type="hidden" name="_selected_action" value="{{ token.pk }}">
{% endfor %}
<input type="hidden" name="action" value="revoke_tokens">
{{ form.as_div }}
<div class="submit-row"><input type="submit" name="apply" value="Revoke"></div>
</form>
{% endblock %}
"""


def _render(request: HttpRequest, source: str, context: dict[str, Any]) -> HttpResponse:
    template = engines["django"].from_string(source)
    return HttpResponse(template.render(context, request))


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued and revoked only through the services (and audited there). The
    plain token is shown once, on the page that issues it; nothing else is editable."""

    list_display = [
        "prefix",
        "agency",
        "name",
        "scope_list",
        "state",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = [TokenStateFilter, "agency"]
    list_select_related = ["agency"]
    search_fields = ["prefix", "name", "agency__name", "agency__code"]
    fields = [
        "agency",
        "name",
        "prefix",
        "scopes",
        "rate_limit_per_minute",
        "created_at",
        "created_by",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
        "revoked_reason",
    ]
    actions = ["revoke_tokens"]

    @admin.display(description="scopes")
    def scope_list(self, token: ApiToken) -> str:
        return ", ".join(token.scopes)

    @admin.display(description="state")
    def state(self, token: ApiToken) -> str:
        return token_state(token)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("accounts.change_apitoken"))

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ApiTokenIssueForm(request.POST if request.method == "POST" else None)
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Issue an API token",
            "form": form,
        }
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            expires_on = data["expires_on"]
            try:
                token, plaintext = api_token_issue(
                    agency=data["agency"],
                    name=data["name"],
                    scopes=data["scopes"],
                    by=request.user if isinstance(request.user, User) else None,
                    expires_at=timezone.make_aware(datetime.combine(expires_on, time.min))
                    if expires_on
                    else None,
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    target = "expires_on" if field == "expires_at" else field
                    form.add_error(target if target in form.fields else None, errors)
            else:
                self.log_addition(request, token, "Issued through the admin")
                context.update(title="API token issued", token=token, plaintext=plaintext)
                response = _render(request, _ISSUE_TEMPLATE, context)
                add_never_cache_headers(response)  # the page holds the only copy
                return response
        return _render(request, _ISSUE_TEMPLATE, context)

    @admin.action(description="Revoke the selected API tokens", permissions=["revoke"])
    def revoke_tokens(
        self, request: HttpRequest, queryset: QuerySet[ApiToken]
    ) -> HttpResponse | None:
        tokens = list(queryset.select_related("agency").filter(revoked_at__isnull=True))
        if not tokens:
            self.message_user(request, "Those tokens are already revoked.", messages.WARNING)
            return None
        form = ApiTokenRevokeForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            by = request.user if isinstance(request.user, User) else None
            for token in tokens:
                api_token_revoke(token=token, by=by, reason=form.cleaned_data["reason"])
            self.message_user(request, f"Revoked {len(tokens)} API token(s).", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Revoke API tokens",
            "tokens": tokens,
            "form": form,
        }
        return _render(request, _REVOKE_TEMPLATE, context)


# --------------------------------------------------------------------------- sign-in


@admin.register(SignInEvent)
class SignInEventAdmin(admin.ModelAdmin):
    """The sign-in log: read only."""

    list_display = ["at", "username", "kind", "ip_address", "user"]
    list_filter = ["kind"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "at"
    list_select_related = ["user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LockStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("locked", "Locked now"), ("ended", "Ended")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        now = timezone.now()
        holding = Q(unlocked_at__isnull=True, locked_until__gt=now)
        if self.value() == "locked":
            return queryset.filter(holding)
        if self.value() == "ended":
            return queryset.exclude(holding)
        return queryset


@admin.register(SignInLock)
class SignInLockAdmin(admin.ModelAdmin):
    """Usernames locked after repeated failures. "Unlock" lets the person try again at once
    (after checking with them that the failures were theirs)."""

    list_display = ["username", "locked_at", "locked_until", "failures", "state", "unlocked_by"]
    list_filter = [LockStateFilter]
    search_fields = ["username"]
    actions = ["unlock"]
    readonly_fields = [
        "username",
        "locked_at",
        "locked_until",
        "failures",
        "unlocked_at",
        "unlocked_by",
    ]

    @admin.display(description="state")
    def state(self, lock: SignInLock) -> str:
        if lock.unlocked_at is not None:
            return "unlocked"
        return "locked" if lock.locked_until > timezone.now() else "ended"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_unlock_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("accounts.change_signinlock"))

    @admin.action(description="Unlock the selected usernames", permissions=["unlock"])
    def unlock(self, request: HttpRequest, queryset: QuerySet[SignInLock]) -> None:
        by = request.user if isinstance(request.user, User) else None
        if by is None:
            raise PermissionDenied
        done = 0
        for lock in queryset:
            try:
                sign_in_unlock(lock=lock, by=by)
            except ValidationError:
                continue
            done += 1
        if done:
            self.message_user(request, f"Unlocked {done} username(s).", messages.SUCCESS)
        else:
            self.message_user(request, "Those locks had already ended.", messages.WARNING)
