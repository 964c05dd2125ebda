"""The form renderer: Django's default, which also finds Front Door's admin templates.

Django renders a form widget with its own template engine (the built-in widget templates and
the apps' ``templates`` directories), not with ``settings.TEMPLATES``, so an override of an
admin widget's template in ``frontdoor/templates_admin/`` (ADR 16: the split date and time
widget, labelled for axe) is found only if that directory comes first here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import django.forms
from django.forms.renderers import DjangoTemplates
from django.utils.functional import cached_property

ADMIN_TEMPLATES = Path(__file__).resolve().parents[1] / "templates_admin"


class FormRenderer(DjangoTemplates):
    @cached_property
    def engine(self) -> Any:
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [ADMIN_TEMPLATES, Path(django.forms.__file__).parent / "templates"],
                "NAME": "djangoforms",
                "OPTIONS": {},
            }
        )
