from django.urls import path

from . import openrosa

# OpenRosa answers at the site root: the server URL typed into ODK Collect is the site itself.
urlpatterns = [
    path("formList", openrosa.form_list, name="openrosa_form_list"),
    path("submission", openrosa.submission, name="openrosa_submission"),
    path("formXml/<str:form_id>", openrosa.form_xml, name="openrosa_form"),
    path("xformsManifest/<str:form_id>", openrosa.manifest, name="openrosa_manifest"),
    path("xformsMedia/<str:form_id>/<str:filename>", openrosa.media_file, name="openrosa_media"),
]
