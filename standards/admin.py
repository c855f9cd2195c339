from django.contrib import admin

from mapping.admin import RecordedAdmin
from standards.models import Element, Framework


class ElementInline(admin.TabularInline):
    model = Element
    fields = ["code", "title", "level_label", "parent", "position"]
    autocomplete_fields = ["parent"]
    extra = 0
    show_change_link = True


@admin.register(Framework)
class FrameworkAdmin(RecordedAdmin):
    list_display = ["name", "kind", "publisher", "version_label", "year"]
    list_filter = ["kind", "publisher", "year"]
    search_fields = ["name", "slug", "publisher", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ElementInline]


@admin.register(Element)
class ElementAdmin(RecordedAdmin):
    list_display = ["code", "title", "level_label", "parent", "framework", "position"]
    list_filter = ["framework", "level_label"]
    list_select_related = ["framework", "parent"]
    search_fields = ["code", "title", "description"]
    autocomplete_fields = ["parent"]
    ordering = ["framework", "position", "code"]
