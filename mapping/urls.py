from django.contrib import admin
from django.urls import path

from mapping import views

urlpatterns = [
    path("", views.guide, name="home"),
    path("guide.pdf", views.guide_pdf, name="guide_pdf"),
    path("links/", views.link_table, name="link_table"),
    path("matrix/", views.matrix, name="matrix"),
    path("map/", views.map_page, name="map"),
    path("map.json", views.map_json, name="map_json"),
    path("coverage/", views.coverage_report, name="coverage"),
    path("coverage.csv", views.coverage_csv, name="coverage_csv"),
    path("behaviours/<str:code>/", views.behaviour_detail, name="behaviour_detail"),
    path("standards/<str:code>/", views.standard_detail, name="standard_detail"),
    path("admin/", admin.site.urls),
]
