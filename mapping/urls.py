from django.contrib import admin
from django.urls import include, path

from mapping import views

edition_pages = [
    path("", views.edition_guide, name="edition_guide"),
    path("guide.pdf", views.edition_pdf, name="edition_guide_pdf"),
    path("links/", views.edition_link_table, name="edition_link_table"),
    path("matrix/", views.edition_matrix, name="edition_matrix"),
    path("behaviours/<str:code>/", views.edition_behaviour_detail, name="edition_behaviour_detail"),
    path("standards/<str:code>/", views.edition_standard_detail, name="edition_standard_detail"),
]

urlpatterns = [
    path("", views.guide, name="home"),
    path("guide.pdf", views.guide_pdf, name="guide_pdf"),
    path("links/", views.link_table, name="link_table"),
    path("links/new/", views.link_create, name="link_create"),
    path("links/<int:pk>/", views.link_detail, name="link_detail"),
    path("links/<int:pk>/edit/", views.link_edit, name="link_edit"),
    path("links/<int:pk>/retire/", views.link_retire, name="link_retire"),
    path("links/<int:pk>/restore/", views.link_restore, name="link_restore"),
    path("links/<int:pk>/propose/", views.link_propose, name="link_propose"),
    path("links/<int:pk>/approve/", views.link_approve, name="link_approve"),
    path("matrix/", views.matrix, name="matrix"),
    path("map/", views.map_page, name="map"),
    path("map.json", views.map_json, name="map_json"),
    path("coverage/", views.coverage_report, name="coverage"),
    path("coverage.csv", views.coverage_csv, name="coverage_csv"),
    path("behaviours/<str:code>/", views.behaviour_detail, name="behaviour_detail"),
    path("standards/<str:code>/", views.standard_detail, name="standard_detail"),
    path("elements/<int:pk>/edit/", views.element_edit, name="element_edit"),
    path("elements/<int:pk>/retire/", views.element_retire, name="element_retire"),
    path("elements/<int:pk>/restore/", views.element_restore, name="element_restore"),
    path("frameworks/", views.framework_list, name="framework_list"),
    path("frameworks/new/", views.framework_create, name="framework_create"),
    path("frameworks/<slug:slug>/", views.framework_detail, name="framework_detail"),
    path("frameworks/<slug:slug>/edit/", views.framework_edit, name="framework_edit"),
    path("frameworks/<slug:slug>/retire/", views.framework_retire, name="framework_retire"),
    path("frameworks/<slug:slug>/restore/", views.framework_restore, name="framework_restore"),
    path("frameworks/<slug:slug>/elements/new/", views.element_create, name="element_create"),
    path("changes/", views.changes, name="changes"),
    path("changes/<int:pk>/revert/", views.change_revert, name="change_revert"),
    path("editions/", views.edition_list, name="edition_list"),
    path("editions/publish/", views.edition_publish, name="edition_publish"),
    path("editions/compare/", views.edition_compare, name="edition_compare"),
    path("editions/<int:number>/", include(edition_pages)),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
