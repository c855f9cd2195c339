from django.contrib import admin

from mapping.models import Link, Mapping, ReviewedGap


@admin.register(Mapping)
class MappingAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "organisation",
        "behaviours_framework",
        "standards_framework",
        "is_default",
    ]
    list_filter = ["is_default", "organisation"]
    list_select_related = ["behaviours_framework", "standards_framework"]
    search_fields = ["name", "slug", "organisation", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Link)
class LinkAdmin(admin.ModelAdmin):
    list_display = ["behaviour", "relation", "standard", "mapping", "updated_at", "updated_by"]
    list_filter = ["mapping", "relation", "behaviour__level_label", "standard__level_label"]
    list_select_related = ["behaviour", "standard", "mapping", "updated_by"]
    search_fields = [
        "behaviour__code",
        "behaviour__title",
        "standard__code",
        "standard__title",
        "rationale",
        "example",
    ]
    autocomplete_fields = ["behaviour", "standard"]
    readonly_fields = ["created_at", "created_by", "updated_at", "updated_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ReviewedGap)
class ReviewedGapAdmin(admin.ModelAdmin):
    list_display = ["element", "mapping", "decided_by", "decided_at"]
    list_filter = ["mapping", "element__level_label"]
    list_select_related = ["element", "mapping", "decided_by"]
    search_fields = ["element__code", "element__title", "reason"]
    autocomplete_fields = ["element"]
    readonly_fields = ["decided_by"]

    def save_model(self, request, obj, form, change):
        obj.decided_by = request.user
        super().save_model(request, obj, form, change)
