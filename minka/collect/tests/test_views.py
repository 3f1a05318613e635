import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from minka.collect import services
from minka.collect.models import Form, Submission
from minka.collect.tests.test_openrosa import basic, post
from minka.collect.tests.xlsforms import instance, xlsform


@pytest.fixture
def form(coordinator, places):
    return services.publish_xlsform(actor=coordinator, data=xlsform(), filename="leche.xlsx",
                                    territory=places["ocongate"]).form


@pytest.fixture
def sent(client, technician, form):
    photo = SimpleUploadedFile("p.jpg", b"\xff\xd8 jpeg", content_type="image/jpeg")
    xml = instance(photo="p.jpg").replace(b"<cows>3</cows>", b"<cows>3</cows><where>-13.61 -71.2 3900 5</where>")
    assert post(client, basic(technician), xml, photo).status_code == 201
    client.logout()
    return Submission.objects.get()


def test_publishing_from_the_page_shows_pyxform_problems(client_for, coordinator, places):
    client = client_for(coordinator)
    broken = xlsform(survey=[["select_one nolist", "x", "X", "X", ""]])
    page = client.post(reverse("collect_upload"), {"file": SimpleUploadedFile("roto.xlsx", broken),
                                                   "territory": "081210"})
    assert "El formulario no se publicó" in page.content.decode() and not Form.objects.exists()
    done = client.post(reverse("collect_upload"), {"file": SimpleUploadedFile("ok.xlsx", xlsform()),
                                                   "territory": "081210"})
    assert done.url == reverse("collect_form", args=["leche_diaria"])
    detail = client.get(done.url).content.decode()
    assert "households.csv" in detail  # the file the form needs and does not have yet


def test_the_technician_cannot_publish_and_the_outsider_sees_nothing(client_for, technician, officer, form, sent):
    assert client_for(technician).get(reverse("collect_upload")).status_code == 404
    outsider = client_for(officer)
    assert outsider.get(reverse("collect_form", args=["leche_diaria"])).status_code == 404
    assert outsider.get(reverse("collect_submission", args=[sent.pk])).status_code == 404
    assert outsider.get(reverse("collect_attachment", args=[sent.pk, "p.jpg"])).status_code == 404
    assert "leche_diaria" not in outsider.get(reverse("collect_forms")).content.decode()


def test_the_submitter_sees_what_they_sent_and_the_coordinator_reviews_it(client_for, technician, coordinator, sent):
    mine = client_for(technician).get(reverse("collect_submission", args=[sent.pk])).content.decode()
    assert "litres" in mine and "12.5" in mine and 'data-lat="-13.61"' in mine and "p.jpg" in mine
    assert 'id="review"' not in mine
    client = client_for(coordinator)
    refused = client.post(reverse("collect_submission", args=[sent.pk]), {"decision": "rejected"})
    assert "Diga por qué" in refused.content.decode()
    client.post(reverse("collect_submission", args=[sent.pk]), {"decision": "rejected", "comment": "Litros dudosos"})
    sent.refresh_from_db()
    assert (sent.review, sent.review_comment, sent.reviewed_by) == ("rejected", "Litros dudosos", coordinator)
    photo = client.get(reverse("collect_attachment", args=[sent.pk, "p.jpg"]))
    assert photo.content == b"\xff\xd8 jpeg" and photo["Content-Type"] == "image/jpeg"


def test_a_submission_kept_with_an_error_is_reprocessed_once_its_version_exists(client, client_for, technician,
                                                                               coordinator, form):
    xml = instance(version="2025010101")
    assert post(client, basic(technician), xml).status_code == 201  # kept: the version is not in Minka yet
    kept = Submission.objects.get()
    assert kept.status == "failed" and "2025010101" in kept.error
    queue = client_for(coordinator).get(reverse("collect_queue")).content.decode()
    assert "2025010101" in queue
    services.publish_xlsform(actor=coordinator, data=xlsform(version="2025010101"), filename="v2.xlsx")
    client_for(coordinator).post(reverse("collect_reprocess", args=[kept.pk]))
    kept.refresh_from_db()
    assert kept.status == "processed" and kept.version.version == "2025010101"


def test_lists_are_filtered_and_bounded(client_for, coordinator, sent, django_assert_max_num_queries):
    client = client_for(coordinator)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("collect_submissions", args=["leche_diaria"]), {"status": "processed"})
    assert "tecnica" in page.content.decode()
    empty = client.get(reverse("collect_submissions", args=["leche_diaria"]), {"status": "failed"}).content.decode()
    assert "Ningún envío" in empty


def test_a_coordinator_binds_a_form_to_milk_production_in_the_page(client_for, coordinator, technician, form):
    assert client_for(technician).get(reverse("collect_mapping", args=["leche_diaria"])).status_code == 404
    client = client_for(coordinator)
    page = client.get(reverse("collect_mapping", args=["leche_diaria"]), {"target": "production"}).content.decode()
    assert "Litros por día" not in page and "litres" in page  # the form's own answer names are offered
    url = reverse("collect_mapping", args=["leche_diaria"]) + "?target=production"
    refused = client.post(url, {"household__source": "household", "date__source": "date"})
    assert "Falta el campo obligatorio" in refused.content.decode()
    done = client.post(url, {"household__source": "household", "date__source": "date", "chain__source": "=",
                             "chain__constant": "milk", "measure:milk-litres-day__source": "litres",
                             "measure:milk-cows__source": "cows", "requires_approval": "on"})
    assert done.status_code == 302
    form.refresh_from_db()
    assert form.target == "production" and form.requires_approval
    assert form.mapping == {"household": "household", "date": "date", "chain": "=milk",
                            "measure:milk-litres-day": "litres", "measure:milk-cows": "cows"}


def test_a_large_export_is_built_in_the_background_with_its_progress(client_for, coordinator, officer, sent, settings,
                                                                      django_capture_on_commit_callbacks):
    from minka.collect.models import ExportJob

    settings.COLLECT_EXPORT_INLINE_MAX = 0  # every export counts as large here
    client = client_for(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("collect_export", args=["leche_diaria", "csv"]), {"status": "processed"})
    job = ExportJob.objects.get()
    assert response.url == reverse("collect_export_job", args=[job.pk])
    assert (job.status, job.total, job.done, job.query) == ("done", 1, 1, "status=processed")
    page = client.get(response.url).content.decode()
    assert "Listo" in page and "?download=1" in page
    download = client.get(response.url, {"download": "1"})
    assert download.content.decode("utf-8-sig").splitlines()[0].startswith("KEY,") and "12.5" in download.content.decode()
    assert client_for(officer).get(reverse("collect_export_job", args=[job.pk])).status_code == 404
