from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect

from mapping.access.forgetting import renamed
from mapping.forms.text import Composed
from mapping.models import (
    Audit,
    AuditEntry,
    Change,
    Edition,
    Invitation,
    Link,
    Mapping,
    Membership,
    ReviewedGap,
    tracked_values,
)
from standards.models import Element, Framework


def _save_recorded(request, obj, save) -> None:
    """Save obj through save(), recording the change in the history like any other edit."""
    model = type(obj)
    existing = model.objects.filter(pk=obj.pk).first() if obj.pk else None
    before = tracked_values(existing) if existing else {}
    if existing is not None:
        obj.revision = existing.revision + 1
    save()
    if existing is None:
        Change.objects.record(obj, action=Change.Action.CREATED, before={}, by=request.user)
    elif tracked_values(obj) != before:
        Change.objects.record(obj, action=Change.Action.EDITED, before=before, by=request.user)


def _delete_recorded(request, obj, delete) -> None:
    before = tracked_values(obj)
    Change.objects.record(obj, action=Change.Action.DELETED, before=before, by=request.user)
    delete()


# Addresses typed without a scheme are taken as https (Django 6's default, today).
URLS = {models.URLField: {"assume_scheme": "https"}}


class FixedOnceMade:
    """The fields that name a row in every address and citation (a register's or a
    framework's slug, an element's code, a link's two ends and register) are chosen when it
    is made and shown, not edited, after: changed, they would point what students cited at
    something else, or at nothing. A framework's new version, or a register moved onto it
    (its details page), is how they change."""

    fixed: tuple[str, ...] = ()
    fixed_help = "Fixed once made: addresses and citations use it."

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return _fixing(form, self.fixed if obj is not None else (), self.fixed_help)

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None else super().get_prepopulated_fields(request, obj)


def _fixing(form_class, names: tuple[str, ...], help_text: str):
    """form_class with the fields names disabled on a row already saved (an inline's new
    rows keep them open), and its text kept composed as every form's is (Composed)."""

    class Fixed(Composed, form_class):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            if self.instance.pk:
                for name in names:
                    if name in self.fields:
                        self.fields[name].disabled = True
                        self.fields[name].help_text = help_text

    Fixed.__name__ = form_class.__name__
    return Fixed


class RecordedAdmin(admin.ModelAdmin):
    """Edits made in the admin go into the change history too."""

    formfield_overrides = URLS

    def save_model(self, request, obj, form, change):
        _save_recorded(request, obj, lambda: super(RecordedAdmin, self).save_model(
            request, obj, form, change
        ))  # fmt: skip

    def delete_model(self, request, obj):
        _delete_recorded(request, obj, lambda: super(RecordedAdmin, self).delete_model(
            request, obj
        ))  # fmt: skip

    def save_formset(self, request, form, formset, change):
        if not hasattr(formset.model, "history_fields"):
            return super().save_formset(request, form, formset, change)
        for obj in formset.save(commit=False):
            _save_recorded(request, obj, obj.save)
        for obj in formset.deleted_objects:
            _delete_recorded(request, obj, obj.delete)
        formset.save_m2m()


class ElementInlineFormSet(BaseInlineFormSet):
    """A framework's elements edited together: no parents in a circle across the rows,
    which each row's own check (against the saved tree) cannot see."""

    def clean(self) -> None:
        super().clean()
        parents = dict(self.instance.elements.values_list("pk", "parent_id")) if \
            self.instance.pk else {}  # fmt: skip
        for form in self.forms:
            element = form.instance
            if element.pk and form.cleaned_data and not form.cleaned_data.get("DELETE"):
                parent = form.cleaned_data.get("parent")
                parents[element.pk] = parent.pk if parent else None
        for start in parents:
            seen, node = {start}, parents.get(start)
            while node is not None:
                if node in seen:
                    raise ValidationError(
                        "These parents go round in a circle: an element cannot sit under itself."
                    )
                seen.add(node)
                node = parents.get(node)


class ElementInline(admin.TabularInline):
    model = Element
    formset = ElementInlineFormSet
    fields = ["code", "title", "level_label", "parent", "position"]
    autocomplete_fields = ["parent"]
    extra = 0
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = _fixing(formset.form, ("code",), FixedOnceMade.fixed_help)
        return formset


@admin.register(Framework)
class FrameworkAdmin(FixedOnceMade, RecordedAdmin):
    fixed = ("slug",)
    list_display = ["name", "kind", "publisher", "version_label", "year"]
    list_filter = ["kind", "publisher", "year"]
    search_fields = ["name", "slug", "publisher", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ElementInline]


@admin.register(Element)
class ElementAdmin(FixedOnceMade, RecordedAdmin):
    fixed = ("code", "framework")
    list_display = ["code", "title", "level_label", "parent", "framework", "position"]
    list_filter = ["framework", "level_label"]
    list_select_related = ["framework", "parent"]
    search_fields = ["code", "title", "description"]
    autocomplete_fields = ["parent"]
    ordering = ["framework", "position", "code"]


@admin.register(Mapping)
class MappingAdmin(FixedOnceMade, admin.ModelAdmin):
    fixed = ("slug", "source_framework", "target_framework")
    formfield_overrides = URLS
    list_display = [
        "name",
        "organisation",
        "source_framework",
        "target_framework",
        "is_default",
    ]
    list_filter = ["is_default", "organisation"]
    list_select_related = ["source_framework", "target_framework"]
    search_fields = ["name", "slug", "organisation", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_actions(self, request):
        """No "delete selected": a register goes one at a time, through delete_view's rules."""
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        """A register goes only once nobody holds a role in it (taken away on People, where
        that is logged) and it has no links or editions (which are kept): each said plainly.
        Its own history goes with it."""
        register = self.get_object(request, object_id)
        if register is not None and (why := _kept(register)):
            messages.error(request, f"{register.name} cannot be deleted: {why}")
            return redirect("admin:mapping_mapping_change", register.pk)
        return super().delete_view(request, object_id, extra_context)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, perms_needed - {Change._meta.verbose_name}, protected


def _kept(register: Mapping) -> str:
    """Why a register must stay, or ""."""
    if held := Membership.objects.filter(mapping=register).count():
        return (f"{held} {'person holds a role' if held == 1 else 'people hold roles'} in it. "
                "Take them away on People first, where each change is logged.")  # fmt: skip
    if register.links.exists() or register.editions.exists():
        return ("it has links or editions, which Weave keeps (retired links stay in the "
                "history; an edition never changes).")  # fmt: skip
    return ""


@admin.register(Link)
class LinkAdmin(FixedOnceMade, RecordedAdmin):
    fixed = ("mapping", "source", "target")
    list_display = [
        "source", "relation", "target", "status", "mapping", "updated_at", "updated_by",
    ]  # fmt: skip
    list_filter = [
        "mapping", "status", "relation", "source__level_label", "target__level_label",
    ]  # fmt: skip
    list_select_related = ["source", "target", "mapping", "updated_by"]
    search_fields = [
        "source__code",
        "source__title",
        "target__code",
        "target__title",
        "rationale",
        "example",
    ]
    autocomplete_fields = ["source", "target"]
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

    # Decided on the register's coverage page, which checks the element has no links and
    # puts the decision in the register's history: read here, not made or changed.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Change)
class ChangeAdmin(admin.ModelAdmin):
    """The history, to read: it is written only by the edits themselves."""

    list_display = ["at", "action", "subject_type", "subject_label", "user"]
    list_filter = ["action", "subject_type"]
    list_select_related = ["user"]
    search_fields = ["subject_label", "reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Edition)
class EditionAdmin(ChangeAdmin):
    list_display = ["number", "title", "mapping", "published_at", "published_by"]
    list_filter = ["mapping"]
    list_select_related = ["mapping", "published_by"]
    search_fields = ["title", "notes"]


class PeopleElsewhere:
    """Roles and accounts are changed on Weave's People pages, which log every change and
    keep the site's last administrator: here they can be read, not changed."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(PeopleElsewhere, admin.ModelAdmin):
    """Who holds which role, site-wide (no register) or in one register: to read."""

    list_display = ["user", "role", "mapping", "granted_at"]
    list_filter = ["role", "mapping"]
    list_select_related = ["user", "mapping"]
    search_fields = ["user__username", "user__email", "mapping__name"]

    def has_change_permission(self, request, obj=None):
        return False


class MembershipInline(PeopleElsewhere, admin.TabularInline):
    model = Membership
    fields = readonly_fields = ["mapping", "role"]
    extra = 0


admin.site.unregister(get_user_model())
admin.site.unregister(Group)  # Django's groups count for nothing in Weave: roles do


class PersonForm(UserChangeForm):
    """An address is one person's, whatever its case, as the invitations have it."""

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if not email:
            return email
        other = get_user_model().objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if other.exists():
            raise ValidationError(f"{email} is already {other.first().get_username()}'s "
                                  "address: each person has an address of their own.")  # fmt: skip
        if Invitation.objects.pending().filter(email__iexact=email).exists():
            raise ValidationError(f"{email} has an invitation waiting: withdraw it on People "
                                  "first, or let them accept it.")  # fmt: skip
        return email


NAMED = ("first_name", "last_name", "email")  # what the admin corrects of a person


@admin.register(get_user_model())
class WeaveUserAdmin(PeopleElsewhere, UserAdmin):
    """Django's user admin, with each person's roles beside their account. Who is active,
    who administers and what role anyone holds change on People (/people/), where each
    change is logged; here a person's name and email can be corrected. Django's groups and
    permissions are not shown: Weave's roles are what count."""

    form = PersonForm
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Name and email", {"fields": ["first_name", "last_name", "email"]}),
        ("Account (roles and activity change on People)",
         {"fields": ["is_active", "is_staff", "is_superuser", "last_login", "date_joined"]}),
    ]  # fmt: skip
    readonly_fields = ["is_active", "is_staff", "is_superuser", "last_login", "date_joined"]
    list_filter = ["is_active", "is_superuser"]

    def save_model(self, request, obj, form, change) -> None:
        """Saved as Django does; a corrected name or email (where resets are sent) is in
        the people log, with what it was."""
        before = type(obj).objects.filter(pk=obj.pk).values(*NAMED).first() if change else None
        super().save_model(request, obj, form, change)
        if before is not None and (
            said := [
                f"{field.replace('_', ' ')}: {before[field] or '(none)'}"
                f" → {getattr(obj, field) or '(none)'}"
                for field in NAMED
                if before[field] != getattr(obj, field)
            ]
        ):
            AuditEntry.objects.record(
                Audit.DETAILS_CHANGED,
                by=request.user,
                person=obj,
                detail=f"In the admin. {'; '.join(said)}.",
                request=request,
            )
            if any(before[name] != getattr(obj, name) for name in ("first_name", "last_name")):
                renamed(obj)  # the pages that name them say the new name

    def user_change_password(self, request, id, form_url=""):
        """Django's own form, with what it did in the people log."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            person = self.get_object(request, id)
            detail = (
                "Set by an administrator in the admin."
                if person.has_usable_password()
                else "Password sign-in switched off by an administrator in the admin."
            )
            AuditEntry.objects.record(Audit.PASSWORD_SET, by=request.user, person=person,
                                      detail=detail, request=request)  # fmt: skip
        return response
