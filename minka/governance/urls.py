from django.urls import path

from . import views

urlpatterns = [
    path("mesas/", views.space_list, name="space_list"),
    path("mesas/calendario/", views.calendar, name="space_calendar"),
    path("mesas/<slug:code>/", views.space_detail, name="space_detail"),
    path("mesas/<slug:code>/sesiones/<int:number>/", views.meeting_detail, name="meeting_detail"),
    path("mesas/<slug:code>/plan/", views.development_plan, name="development_plan"),
    path("mesas/<slug:code>/archivos/<str:kind>/<int:pk>/", views.space_file, name="space_file"),
    path("publico/mesas/<slug:code>/", views.space_public, name="space_public"),
    path("programas/", views.program_list, name="program_list"),
    path("programas/<slug:code>/", views.program_detail, name="program_detail"),
    path("programas/<slug:code>/informe.<str:fmt>", views.program_report, name="program_report"),
]
