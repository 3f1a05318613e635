from django.urls import path

from . import public, views

urlpatterns = [
    path("observatorio/", views.home, name="observatory_home"),
    path("observatorio/<str:code>/", views.dashboard, name="observatory_dashboard"),
    path("observatorio/<str:code>/recalcular/", views.refresh, name="observatory_refresh"),
    path("observatorio/<str:code>/validar/", views.validate, name="observatory_validate"),
    path("observatorio/<str:code>/resumen/", views.community_summary, name="observatory_summary"),
    path("publico/", public.portal, name="public_home"),
    path("publico/<str:code>/", public.portal, name="public_unit"),
    path("publico/<str:code>/datos.csv", public.open_data, name="public_data"),
]
