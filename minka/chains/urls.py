from django.urls import path, re_path

from . import views

EXPORT = r"exportar\.(?P<fmt>csv|xlsx)$"

urlpatterns = [
    path("registros/", views.record_list, name="record_list"),
    path("registros/nuevo/", views.record_create, name="record_create"),
    path("registros/importar/", views.record_import, name="record_import"),
    re_path(r"^registros/" + EXPORT, views.record_export, name="record_export"),
    path("registros/<int:pk>/", views.record_detail, name="record_detail"),
    path("registros/<int:pk>/corregir/", views.record_edit, name="record_edit"),
    path("normas/", views.standards, name="standards"),
    path("normas/umbral/<slug:code>/", views.threshold_edit, name="threshold_edit"),
    path("normas/regla/<slug:stage>/", views.rule_edit, name="rule_edit"),
    path("practicas/", views.assessment_list, name="assessment_list"),
    path("practicas/nueva/", views.assessment_create, name="assessment_create"),
    path("practicas/importar/", views.assessment_import, name="assessment_import"),
    re_path(r"^practicas/" + EXPORT, views.assessment_export, name="assessment_export"),
    path("practicas/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("practicas/<int:pk>/corregir/", views.assessment_create, name="assessment_edit"),
    path("visitas/", views.visit_list, name="visit_list"),
    path("visitas/nueva/", views.visit_create, name="visit_create"),
    path("visitas/agenda/", views.agenda, name="agenda"),
    path("visitas/importar/", views.visit_import, name="visit_import"),
    re_path(r"^visitas/" + EXPORT, views.visit_export, name="visit_export"),
    path("visitas/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visitas/<int:pk>/corregir/", views.visit_edit, name="visit_edit"),
    path("visitas/<int:pk>/seguimiento-hecho/", views.follow_up_done, name="follow_up_done"),
    path("ingresos/", views.income_list, name="income_list"),
    path("ingresos/nueva/", views.income_create, name="income_create"),
    path("ingresos/cambio/", views.income_change, name="income_change"),
    path("ingresos/importar/", views.income_import, name="income_import"),
    re_path(r"^ingresos/" + EXPORT, views.income_export, name="income_export"),
    path("ingresos/<int:pk>/", views.income_detail, name="income_detail"),
    path("ingresos/<int:pk>/corregir/", views.income_create, name="income_edit"),
]
