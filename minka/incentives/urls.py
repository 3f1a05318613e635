from django.urls import path

from . import views

urlpatterns = [
    path("concursos/", views.call_list, name="call_list"),
    path("concursos/<slug:code>/", views.call_detail, name="call_detail"),
    path("concursos/<slug:code>/postular/", views.plan_create, name="plan_create"),
    path("concursos/<slug:code>/planes/<int:number>/", views.plan_detail, name="plan_detail"),
    path("concursos/<slug:code>/planes/<int:number>/documentos/<int:pk>/", views.plan_attachment,
         name="plan_attachment"),
    path("publico/concursos/<slug:code>/", views.public_results, name="call_public"),
    path("mecanismos/<slug:code>/", views.scheme_detail, name="scheme_detail"),
    path("mecanismos/<slug:code>/registro.<str:fmt>", views.scheme_registry, name="scheme_registry"),
    path("mecanismos/<slug:code>/evidencia/<int:pk>/", views.evidence_photo, name="evidence_photo"),
    path("mecanismos/<slug:code>/informe-<int:year>.pdf", views.scheme_report, name="scheme_report"),
]
