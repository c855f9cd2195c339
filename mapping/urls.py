"""Every register has the same pages: the site's default mapping at the top, any other
mapping under /m/<slug>/, and each edition of either under editions/<n>/. A page's name
is the same in all four places; its keyword arguments say which register it is."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path, register_converter

from mapping.api import api
from mapping.views import (
    account,
    api_docs,
    coverage,
    editions,
    elements,
    evidence,
    exports,
    forgetting,
    frameworks,
    gaps,
    guide,
    health,
    history,
    imports,
    link_editing,
    links,
    mappings,
    notices,
    people,
    references,
    review,
    signin,
    suggestions,
    versions,
)
from standards.models import CODE_PATTERN


class CodeConverter:
    """An element's code, as the code validator allows it: anything else is a 404."""

    regex = CODE_PATTERN.removeprefix("^").removesuffix("$")

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CodeConverter, "code")
handler500 = "mapping.views.errors.server_error"
handler404 = "mapping.views.errors.not_found"
handler403 = "mapping.views.errors.forbidden"
handler400 = "mapping.views.errors.bad_request"


def _answering_for_itself(urls: tuple) -> tuple:
    """The API says for itself who may read it (a token when the site is private): it is
    never sent to the login page."""
    for pattern in urls[0]:
        pattern.callback.login_required = False
    return urls


# The pages of one register, live or at an edition.
register_pages = [
    path("", guide.guide, name="home"),
    path("guide.pdf", guide.guide_pdf, name="guide_pdf"),
    path("guide.pdf/status/", guide.pdf_status, name="pdf_status"),
    path("links/", links.link_table, name="link_table"),
    path("links/<int:pk>/", links.link_detail, name="link_detail"),
    path("matrix/", coverage.matrix, name="matrix"),
    path("map/", coverage.map_page, name="map"),
    path("map.json", coverage.map_json, name="map_json"),
    path("coverage/", coverage.coverage_report, name="coverage"),
    path("coverage.csv", coverage.coverage_csv, name="coverage_csv"),
    path("elements/<slug:framework>/<code:code>/", elements.element_detail, name="element_detail"),
    re_path(
        r"^elements/(?P<framework>[-a-zA-Z0-9_]+)/(?P<code>[A-Za-z0-9][A-Za-z0-9._-]*)/"
        r"evidence\.(?P<extension>pdf|docx|md)$",
        evidence.evidence_pack,
        name="evidence_pack",
    ),
    re_path(r"^links\.(?P<extension>csv|xlsx)$", exports.links_export, name="links_export"),
    re_path(
        r"^elements/(?P<framework>[-a-zA-Z0-9_]+)\.(?P<extension>csv|xlsx|case\.json)$",
        exports.framework_export,
        name="framework_export",
    ),
    # Where elements and framework downloads were when every register was behaviours →
    # standards: they lead to the same page at its address now, for good.
    path(
        "behaviours/<code:code>/",
        elements.element_moved,
        {"side": "source"},
        name="behaviour_detail",
    ),
    path(
        "standards/<code:code>/", elements.element_moved, {"side": "target"}, name="standard_detail"
    ),
    re_path(
        r"^(?P<side>behaviours|standards)\.(?P<extension>csv|xlsx|case\.json)$",
        exports.framework_moved,
        name="framework_export_moved",
    ),
    path("register.json", exports.register_export, name="register_export"),
    path("sssom.tsv", exports.sssom_export, name="sssom_export"),
    path("kumu.json", exports.kumu_export, name="kumu_export"),
]

# The pages of a mapping that stand beside its registers: adding links, its editions.
mapping_pages = [
    path("links/new/", link_editing.link_create, name="link_create"),
    path("links/import/", imports.link_import, name="link_import"),
    path("suggestions/", suggestions.suggestions, name="suggestions"),
    path("suggestions/accept/", suggestions.suggestion_accept, name="suggestion_accept"),
    path("suggestions/dismiss/", suggestions.suggestion_dismiss, name="suggestion_dismiss"),
    path("suggestions/bulk/", suggestions.suggestions_bulk, name="suggestions_bulk"),
    path(
        "suggestions/offer-again/",
        suggestions.suggestion_offer_again,
        name="suggestion_offer_again",
    ),
    path("move/", versions.register_move, name="register_move"),
    path("default/", mappings.mapping_make_default, name="mapping_make_default"),
    path("details/", mappings.mapping_edit, name="mapping_edit"),
    path("gaps/review/", gaps.gap_review, name="gap_review"),
    path("editions/", editions.edition_list, name="edition_list"),
    path("editions/publish/", editions.edition_publish, name="edition_publish"),
    path("editions/compare/", editions.edition_compare, name="edition_compare"),
    path("editions/<int:number>/", include(register_pages)),
    path("", include(register_pages)),
]

# Logging in and out, and changing one's password; resetting a forgotten one only where
# the site can send email (EMAIL_URL): otherwise an administrator sets a new one.
accounts = [
    path("accounts/login/", account.LoginView.as_view(), name="login"),
    path("accounts/oidc/start/", signin.oidc_start, name="oidc_authentication_init"),
    path("accounts/oidc/callback/", signin.oidc_callback, name="oidc_authentication_callback"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password_change/", account.PasswordChangeView.as_view(),
         name="password_change"),
    path("accounts/password_change/done/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
]  # fmt: skip
# Reset links, offered only where the site can send email.
password_resets = [
    path("accounts/password_reset/", account.PasswordResetView.as_view(),
         name="password_reset"),
    path("accounts/password_reset/done/", auth_views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", account.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
]  # fmt: skip
if settings.EMAIL_ENABLED:
    accounts += password_resets

urlpatterns = [
    path("m/", mappings.mapping_list, name="mapping_list"),
    path("m/new/", mappings.mapping_create, name="mapping_create"),
    path("m/<slug:slug>/", include(mapping_pages)),
    path("links/<int:pk>/edit/", link_editing.link_edit, name="link_edit"),
    path("links/<int:pk>/retire/", link_editing.link_retire, name="link_retire"),
    path("links/<int:pk>/restore/", link_editing.link_restore, name="link_restore"),
    path("links/<int:pk>/propose/", link_editing.link_propose, name="link_propose"),
    path("links/<int:pk>/approve/", link_editing.link_approve, name="link_approve"),
    path("links/<int:pk>/still-holds/", link_editing.link_still_holds, name="link_still_holds"),
    path("elements/<int:pk>/edit/", elements.element_edit, name="element_edit"),
    path("elements/<int:pk>/retire/", elements.element_retire, name="element_retire"),
    path("elements/<int:pk>/restore/", elements.element_restore, name="element_restore"),
    path("frameworks/", frameworks.framework_list, name="framework_list"),
    path("frameworks/new/", frameworks.framework_create, name="framework_create"),
    path("frameworks/import/", imports.framework_import, name="framework_import"),
    path("imports/<uuid:pk>/", imports.import_batch, name="import_batch"),
    path("imports/<uuid:pk>/apply/", imports.import_apply, name="import_apply"),
    re_path(
        r"^imports/template/(?P<kind>framework|links)\.(?P<extension>csv|xlsx)$",
        imports.import_template,
        name="import_template",
    ),
    path("frameworks/<slug:slug>/", frameworks.framework_detail, name="framework_detail"),
    path("frameworks/<slug:slug>/edit/", frameworks.framework_edit, name="framework_edit"),
    path("frameworks/<slug:slug>/retire/", frameworks.framework_retire, name="framework_retire"),
    path("frameworks/<slug:slug>/restore/", frameworks.framework_restore, name="framework_restore"),
    path("frameworks/<slug:slug>/elements/new/", elements.element_create, name="element_create"),
    path("changes/", history.changes, name="changes"),
    path("changes/<int:pk>/revert/", history.change_revert, name="change_revert"),
    path("review/", review.review, name="review"),
    path("references/", references.references, name="references"),
    path("references/add/", references.reference_add, name="reference_add"),
    path("references/remove/", references.reference_remove, name="reference_remove"),
    path("references/clear/", references.references_clear, name="references_clear"),
    path("references/pin/", references.references_pin, name="references_pin"),
    path("references/download/", references.references_download, name="references_download"),
    path("people/", people.people, name="people"),
    path("people/invite/", people.invite, name="people_invite"),
    path("people/log/", people.people_log, name="people_log"),
    path("people/<int:pk>/", people.person, name="person"),
    path("people/<int:pk>/unlock/", people.person_unlock, name="person_unlock"),
    path("people/<int:pk>/forget/", forgetting.person_forget, name="person_forget"),
    path(
        "people/<int:pk>/tokens/<int:token>/revoke/",
        people.person_token_revoke,
        name="person_token_revoke",
    ),
    path(
        "people/invitations/<int:pk>/withdraw/",
        people.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("people/invitations/<int:pk>/again/", people.invitation_again, name="invitation_again"),
    path("invitations/<str:key>/", people.invitation_accept, name="invitation_accept"),
    path("accounts/", account.account, name="account"),
    path("accounts/notifications/", notices.notices, name="notices"),
    path("notifications/unsubscribe/<str:token>/", notices.unsubscribe, name="unsubscribe"),
    path("accounts/tokens/<int:pk>/revoke/", account.token_revoke, name="token_revoke"),
    *accounts,
    path("healthz", health.healthz, name="healthz"),
    path("api/docs/", api_docs.api_docs, name="api_docs"),
    path("api/", _answering_for_itself(api.urls)),
    path("admin/", admin.site.urls),
    path("", include(mapping_pages)),
]
