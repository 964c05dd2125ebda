from django.contrib import admin

from frontdoor.mash.models import RequestTemplate


@admin.register(RequestTemplate)
class RequestTemplateAdmin(admin.ModelAdmin):
    list_display = ["agency"]
