from django.urls import path, re_path

from . import infrastructure_views as views

urlpatterns = [
    path("infraestructura/", views.infrastructure_list, name="infrastructure_list"),
    path("infraestructura/nueva/", views.infrastructure_edit, name="infrastructure_create"),
    path("infraestructura/mapa.geojson", views.infrastructure_geojson, name="infrastructure_geojson"),
    path("infraestructura/importar/", views.infrastructure_import, name="infrastructure_import"),
    re_path(r"^infraestructura/exportar\.(?P<fmt>csv|xlsx)$", views.infrastructure_export,
            name="infrastructure_export"),
    path("infraestructura/<int:pk>/", views.infrastructure_detail, name="infrastructure_detail"),
    path("infraestructura/<int:pk>/editar/", views.infrastructure_edit, name="infrastructure_edit"),
]
