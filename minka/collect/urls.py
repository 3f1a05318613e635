from django.urls import path, re_path

from . import openrosa, views

# OpenRosa answers at the site root: the server URL typed into ODK Collect is the site itself.
urlpatterns = [
    path("formList", openrosa.form_list, name="openrosa_form_list"),
    path("submission", openrosa.submission, name="openrosa_submission"),
    path("formXml/<str:form_id>", openrosa.form_xml, name="openrosa_form"),
    path("xformsManifest/<str:form_id>", openrosa.manifest, name="openrosa_manifest"),
    path("xformsMedia/<str:form_id>/<str:filename>", openrosa.media_file, name="openrosa_media"),
    path("recoleccion/", views.form_index, name="collect_forms"),
    path("recoleccion/publicar/", views.form_upload, name="collect_upload"),
    path("recoleccion/pendientes/", views.submission_list, name="collect_queue"),
    path("recoleccion/envio/<int:pk>/", views.submission_detail, name="collect_submission"),
    path("recoleccion/exportacion/<int:pk>/", views.export_job, name="collect_export_job"),
    path("recoleccion/envio/<int:pk>/reprocesar/", views.submission_reprocess, name="collect_reprocess"),
    path("recoleccion/envio/<int:pk>/adjunto/<str:filename>", views.attachment, name="collect_attachment"),
    path("recoleccion/<str:form_id>/", views.form_detail, name="collect_form"),
    path("recoleccion/<str:form_id>/envios/", views.submission_list, name="collect_submissions"),
    path("recoleccion/<str:form_id>/correspondencia/", views.form_mapping, name="collect_mapping"),
    path("recoleccion/<str:form_id>/llenar/", views.web_entry, name="collect_web_entry"),
    re_path(r"^recoleccion/(?P<form_id>[^/]+)/envios\.(?P<fmt>csv|xlsx|geojson)$", views.submission_export,
            name="collect_export"),
]
