from django.urls import path

from . import public, views

urlpatterns = [
    path("observatorio/", views.home, name="observatory_home"),
    path("observatorio/cuenca/<str:code>/", views.watershed_dashboard, name="observatory_watershed"),
    path("observatorio/cuenca/<str:code>/mapa.geojson", views.watershed_map, name="observatory_watershed_map"),
    path("observatorio/<str:code>/", views.dashboard, name="observatory_dashboard"),
    path("observatorio/<str:code>/mapa.geojson", views.dashboard_map, name="observatory_map"),
    path("observatorio/<str:code>/informe/", views.report_new, name="observatory_report_new"),
    path("observatorio/informes/<int:pk>/", views.report, name="observatory_report"),
    path("observatorio/<str:code>/recalcular/", views.refresh, name="observatory_refresh"),
    path("observatorio/<str:code>/validar/", views.validate, name="observatory_validate"),
    path("observatorio/<str:code>/resumen/", views.community_summary, name="observatory_summary"),
    path("publico/", public.portal, name="public_home"),
    path("publico/<str:code>/", public.portal, name="public_unit"),
    path("publico/<str:code>/datos.csv", public.open_data, name="public_data"),
    path("publico/<str:code>/datos.xlsx", public.open_data, {"fmt": "xlsx"}, name="public_data_xlsx"),
    path("publico/<str:code>/datos.geojson", public.open_geojson, name="public_geojson"),
    path("publico/cuenca/<str:code>/", public.portal, {"shed": True}, name="public_watershed"),
    path("publico/cuenca/<str:code>/datos.csv", public.open_data, {"shed": True}, name="public_watershed_data"),
    path("publico/cuenca/<str:code>/datos.xlsx", public.open_data, {"shed": True, "fmt": "xlsx"},
         name="public_watershed_data_xlsx"),
    path("publico/cuenca/<str:code>/datos.geojson", public.open_geojson, {"shed": True},
         name="public_watershed_geojson"),
    path("publico/iati.xml", public.iati_xml, name="public_iati"),
    path("publico/iati/<slug:program>.xml", public.iati_xml, name="public_iati_program"),
]
