from django.urls import path, re_path

from . import views

urlpatterns = [
    path("capacitaciones/", views.training_list, name="training_list"),
    path("capacitaciones/nueva/", views.training_edit, name="training_create"),
    path("capacitaciones/importar/", views.training_import, name="training_import"),
    re_path(r"^capacitaciones/exportar\.(?P<fmt>csv|xlsx)$", views.training_export, name="training_export"),
    path("capacitaciones/<int:pk>/", views.training_detail, name="training_detail"),
    path("capacitaciones/<int:pk>/editar/", views.training_edit, name="training_edit"),
    path("capacitaciones/<int:pk>/importar/", views.participant_import, name="participant_import"),
    path("capacitaciones/participante/<int:pk>/retirar/", views.participant_remove, name="participant_remove"),
]
