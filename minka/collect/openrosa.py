"""The OpenRosa endpoints ODK Collect and KoboCollect talk to, at the site root: `/formList`,
form and media downloads, the manifest, and `/submission`. Every answer carries the OpenRosa
headers; an unauthenticated request gets 401 with Digest and Basic challenges (never a redirect)."""

from functools import wraps
from xml.etree.ElementTree import Element, SubElement, tostring

from django.conf import settings
from django.http import Http404, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import reverse
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from . import services
from .auth import authenticate_openrosa, challenge_headers
from .models import Form, MediaFile, md5_hex
from .registry import registry_csv


def max_bytes():
    return settings.COLLECT_MAX_SUBMISSION_BYTES


def _headers(response):
    response["X-OpenRosa-Version"] = "1.0"
    response["X-OpenRosa-Accept-Content-Length"] = str(max_bytes())
    response["Date"] = http_date()
    return response


def _xml(element, status=200):
    body = b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(element, encoding="utf-8")
    return _headers(HttpResponse(body, status=status, content_type="text/xml; charset=utf-8"))


def openrosa_message(text, status):
    root = Element("OpenRosaResponse", xmlns="http://openrosa.org/http/response")
    SubElement(root, "message", nature="submit_success" if status < 300 else "error").text = text
    return _xml(root, status)


def openrosa_view(view):
    """Authenticate with Digest, Basic or the browser session; else 401 with the challenges."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = authenticate_openrosa(request)
        if user is None:
            response = openrosa_message(_("Se necesita iniciar sesión."), 401)
            # Both challenges in one header (RFC 7235 allows a list); Digest first.
            response["WWW-Authenticate"] = ", ".join(challenge_headers())
            return response
        if "HTTP_AUTHORIZATION" not in request.META and request.method == "POST":
            # The browser's session (web entry) is held to Django's CSRF check like any form.
            refused = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
            if refused is not None:
                return openrosa_message(_("Falta el código CSRF de la sesión."), 403)
        request.user = user
        return view(request, *args, **kwargs)

    return wrapper


def forms_for(user):
    return [f for f in Form.objects.filter(active=True).select_related("territory") if services.may_fill(user, f)]


def _form_for(user, form_id):
    form = Form.objects.select_related("territory").filter(form_id=form_id, active=True).first()
    if form is None or not services.may_fill(user, form):
        raise Http404
    return form


def _media_content(media, user):
    return registry_csv(media.generated, user) if media.generated else bytes(media.content)


@openrosa_view
def form_list(request):
    root = Element("xforms", xmlns="http://openrosa.org/xforms/xformsList")
    wanted = request.GET.get("formID")
    for form in forms_for(request.user):
        version = form.current
        if version is None or (wanted and form.form_id != wanted):
            continue
        item = SubElement(root, "xform")
        SubElement(item, "formID").text = form.form_id
        SubElement(item, "name").text = form.title
        SubElement(item, "version").text = version.version
        SubElement(item, "hash").text = f"md5:{version.md5}"
        SubElement(item, "downloadUrl").text = request.build_absolute_uri(
            reverse("openrosa_form", args=[form.form_id]))
        if form.media.exists():
            SubElement(item, "manifestUrl").text = request.build_absolute_uri(
                reverse("openrosa_manifest", args=[form.form_id]))
    return _xml(root)


@openrosa_view
def form_xml(request, form_id):
    version = _form_for(request.user, form_id).current
    if version is None:
        raise Http404
    return _headers(HttpResponse(version.xml.encode(), content_type="text/xml; charset=utf-8"))


@openrosa_view
def manifest(request, form_id):
    form = _form_for(request.user, form_id)
    root = Element("manifest", xmlns="http://openrosa.org/xforms/xformsManifest")
    for media in form.media.all():
        item = SubElement(root, "mediaFile")
        SubElement(item, "filename").text = media.filename
        SubElement(item, "hash").text = f"md5:{md5_hex(_media_content(media, request.user))}"
        SubElement(item, "downloadUrl").text = request.build_absolute_uri(
            reverse("openrosa_media", args=[form.form_id, media.filename]))
    return _xml(root)


@openrosa_view
def media_file(request, form_id, filename):
    form = _form_for(request.user, form_id)
    media = MediaFile.objects.filter(form=form, filename=filename).first()
    if media is None:
        raise Http404
    content_type = "text/csv; charset=utf-8" if media.generated else media.content_type
    response = HttpResponse(_media_content(media, request.user), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _headers(response)


@openrosa_view
def submission(request):
    if request.method in ("HEAD", "GET"):
        return _headers(HttpResponse(status=204))
    if request.method != "POST":
        return openrosa_message(_("Método no permitido."), 405)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > max_bytes():
        return openrosa_message(_("El envío pesa %(size)s MB; el máximo es %(max)s MB.")
                                % {"size": round(length / 1e6, 1), "max": round(max_bytes() / 1e6, 1)}, 413)
    upload = request.FILES.get("xml_submission_file")
    if upload is None:
        return openrosa_message(_("Falta la parte xml_submission_file."), 400)
    media = [f for name, f in request.FILES.items() if name != "xml_submission_file"]
    try:
        _submission, created = services.receive_submission(user=request.user, xml=upload.read(), files=media)
    except services.Refused as refused:
        return openrosa_message(refused.message, refused.status)
    text = _("Envío recibido.") if created else _("Envío ya recibido antes: sin duplicar.")
    return openrosa_message(text, 201)
