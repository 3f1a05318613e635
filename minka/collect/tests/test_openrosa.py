"""The OpenRosa server as ODK Collect and KoboCollect use it: requests built by hand the way
Collect sends them (headers, Digest, multipart names, instanceID)."""

import base64
import hashlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from minka.collect import services
from minka.collect.models import Submission
from minka.collect.tests.xlsforms import instance, xlsform
from minka.conftest import PASSWORD

OPENROSA = {"HTTP_X_OPENROSA_VERSION": "1.0", "HTTP_DATE": "lun., 24 nov. 2026 10:00:00 GMT-05:00"}


def basic(user, password=PASSWORD):
    token = base64.b64encode(f"{user.username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}", **OPENROSA}


def md5(text):
    return hashlib.md5(text.encode()).hexdigest()


def digest(client, user, method, uri, password=PASSWORD):
    """Answer the server's Digest challenge as ODK Collect does (qop=auth)."""
    challenge = client.generic("HEAD", "/submission", **OPENROSA)["WWW-Authenticate"]
    nonce = re.search(r'nonce="([^"]+)"', challenge).group(1)
    ha1 = md5(f"{user.username}:Minka:{password}")
    ha2 = md5(f"{method}:{uri}")
    cnonce, nc = "0a4f113b", "00000001"
    response = md5(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
    header = (f'Digest username="{user.username}", realm="Minka", nonce="{nonce}", uri="{uri}", qop=auth, '
              f'nc={nc}, cnonce="{cnonce}", response="{response}", algorithm=MD5')
    return {"HTTP_AUTHORIZATION": header, **OPENROSA}


@pytest.fixture
def form(coordinator, places):
    version = services.publish_xlsform(actor=coordinator, data=xlsform(), filename="leche.xlsx",
                                       territory=places["ocongate"])
    services.attach_media(actor=coordinator, form=version.form, filename="households.csv", generated="households")
    return version.form


def post(client, headers, xml, *files):
    parts = {"xml_submission_file": SimpleUploadedFile("submission.xml", xml, content_type="text/xml")}
    for upload in files:
        parts[upload.name] = upload
    return client.post("/submission", parts, **headers)


def assert_openrosa(response):
    assert response["X-OpenRosa-Version"] == "1.0"
    assert int(response["X-OpenRosa-Accept-Content-Length"]) > 0
    assert response.has_header("Date")


def test_without_credentials_the_answer_is_a_401_challenge_not_a_redirect(client, form):
    for method, url in [("GET", "/formList"), ("HEAD", "/submission"), ("POST", "/submission")]:
        response = client.generic(method, url, **OPENROSA)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"].startswith('Digest realm="Minka"') and "Basic" in response["WWW-Authenticate"]
        assert_openrosa(response)


def test_form_list_download_and_manifest_for_the_technician(client, technician, ocongate_family, form):
    listing = client.get("/formList", **basic(technician))
    assert listing.status_code == 200 and listing["Content-Type"].startswith("text/xml")
    assert_openrosa(listing)
    body = listing.content.decode()
    version = form.current
    assert "<formID>leche_diaria</formID>" in body and f"<hash>md5:{version.md5}</hash>" in body
    assert "<manifestUrl>http://testserver/xformsManifest/leche_diaria</manifestUrl>" in body
    xform = client.get("/formXml/leche_diaria", **basic(technician))
    assert hashlib.md5(xform.content).hexdigest() == version.md5
    manifest = client.get("/xformsManifest/leche_diaria", **basic(technician)).content.decode()
    assert "<filename>households.csv</filename>" in manifest
    csv_text = client.get("/xformsMedia/leche_diaria/households.csv", **basic(technician)).content.decode()
    assert csv_text.splitlines()[0] == "name,label,community" and ocongate_family.code in csv_text
    assert f"md5:{hashlib.md5(csv_text.encode()).hexdigest()}" in manifest


def test_the_outsider_neither_sees_nor_fills_an_ocongate_form(client, officer, form):
    assert "leche_diaria" not in client.get("/formList", **basic(officer)).content.decode()
    assert client.get("/formXml/leche_diaria", **basic(officer)).status_code == 404
    assert client.get("/xformsManifest/leche_diaria", **basic(officer)).status_code == 404
    response = post(client, basic(officer), instance())
    assert response.status_code == 403 and not Submission.objects.exists()


def test_digest_authentication_as_collect_does_it(client, technician, form):
    assert client.get("/formList", **digest(client, technician, "GET", "/formList")).status_code == 200
    wrong = digest(client, technician, "GET", "/formList", password="nope")
    assert client.get("/formList", **wrong).status_code == 401


def test_head_then_post_a_submission_with_a_photo(client, technician, form):
    head = client.generic("HEAD", "/submission", **basic(technician))
    assert head.status_code == 204
    assert_openrosa(head)
    photo = SimpleUploadedFile("1732442400000.jpg", b"\xff\xd8\xff fake jpeg", content_type="image/jpeg")
    response = post(client, basic(technician), instance(photo="1732442400000.jpg"), photo)
    assert response.status_code == 201
    assert_openrosa(response)
    assert b"<OpenRosaResponse" in response.content
    submission = Submission.objects.get()
    assert submission.status == "processed" and submission.submitted_by == technician
    assert submission.data["litres"] == "12.5" and submission.data["meta"]["instanceID"].startswith("uuid:")
    assert submission.attachments.get().size == len(b"\xff\xd8\xff fake jpeg")


def test_a_resend_is_not_duplicated_and_brings_the_missing_photo(client, technician, form):
    xml = instance(photo="p.jpg")
    assert post(client, basic(technician), xml).status_code == 201
    photo = SimpleUploadedFile("p.jpg", b"jpeg bytes", content_type="image/jpeg")
    assert post(client, basic(technician), xml, photo).status_code == 201
    submission = Submission.objects.get()
    assert [a.filename for a in submission.attachments.all()] == ["p.jpg"]


def test_the_same_instance_id_with_other_content_is_a_409_and_is_kept(client, technician, form):
    assert post(client, basic(technician), instance(litres="10")).status_code == 201
    response = post(client, basic(technician), instance(litres="99"))
    assert response.status_code == 409 and "otro contenido" in response.content.decode()
    assert Submission.objects.filter(status="conflict").count() == 1
    assert Submission.objects.count() == 2


def test_an_edit_is_a_new_version_linked_to_the_old_one(client, technician, form):
    post(client, basic(technician), instance())
    edited = instance(instance_id="uuid:6f1c0e9a-0000-4000-8000-000000000002", litres="13",
                      deprecated="uuid:6f1c0e9a-0000-4000-8000-000000000001")
    assert post(client, basic(technician), edited).status_code == 201
    newer = Submission.objects.get(instance_id__endswith="0002")
    assert newer.supersedes.instance_id.endswith("0001")


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                  b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
                  b'<data id="leche_diaria"><x>&lol3;</x></data>')


@pytest.mark.parametrize("xml, status, text", [
    (BILLION_LAUGHS, 400, "entidades"),
    (b"<data id='leche_diaria'><unclosed></data>", 400, "mal formado"),
    (instance(form_id="no_such_form"), 404, "desconocido"),
    (instance(instance_id=""), 400, "instanceID"),
])
def test_bad_submissions_are_answered_and_kept_for_review(client, technician, form, xml, status, text):
    response = post(client, basic(technician), xml)
    assert response.status_code == status and text in response.content.decode()
    kept = Submission.objects.get()
    assert bytes(kept.xml) == xml and kept.status == "failed" and kept.error


def test_a_submission_too_large_is_refused_with_413(client, technician, form, settings):
    settings.COLLECT_MAX_SUBMISSION_BYTES = 1000
    photo = SimpleUploadedFile("big.jpg", b"x" * 5000, content_type="image/jpeg")
    response = post(client, basic(technician), instance(photo="big.jpg"), photo)
    assert response.status_code == 413 and "MB" in response.content.decode()
    assert response["X-OpenRosa-Accept-Content-Length"] == "1000"


def test_a_changed_password_voids_the_phones_credential(client, technician, form):
    technician.set_password("new-pass-2026")
    technician.save()
    assert client.get("/formList", **digest(client, technician, "GET", "/formList")).status_code == 401
    assert client.get("/formList", **basic(technician)).status_code == 401
    # Basic with the new password is checked the slow way once, then Digest works again.
    assert client.get("/formList", **basic(technician, "new-pass-2026")).status_code == 200
    assert client.get("/formList", **digest(client, technician, "GET", "/formList", "new-pass-2026")).status_code == 200


def test_the_browser_session_needs_its_csrf_token_to_submit(technician, form):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(technician)
    refused = post(browser, OPENROSA, instance())
    assert refused.status_code == 403 and not Submission.objects.exists()
    browser.get("/recoleccion/")  # the page sets the CSRF cookie, as the web entry page does
    token = browser.cookies["csrftoken"].value
    accepted = post(browser, {**OPENROSA, "HTTP_X_CSRFTOKEN": token}, instance())
    assert accepted.status_code == 201
