"""A PES scheme from its contributors to a paid retribution: the fund's book, an agreement whose
areas must lie in the watershed, verifications graded full, partial and none, payments only from what
was verified and only within the fund; what is owed and for how long; outsiders change nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from minka.books import selectors as books
from minka.books.models import Entry
from minka.conftest import register
from minka.incentives import pes
from minka.incentives.models import Agreement, PesPayment, Verification
from minka.people.models import Organisation
from minka.people.tests.test_browser import browser  # noqa: F401 (fixture)
from minka.territory.models import Watershed

D = Decimal
day = datetime.date
# a small square inside Ocongate's INEI polygon, and one far away (Lima)
INSIDE = {"type": "Polygon", "coordinates": [[[-71.285, -13.69], [-71.27, -13.69], [-71.27, -13.675],
                                              [-71.285, -13.675], [-71.285, -13.69]]]}
LIMA = {"type": "Polygon", "coordinates": [[[-77.05, -12.05], [-77.0, -12.05], [-77.0, -12.0], [-77.05, -12.05]]]}


@pytest.fixture
def scheme(coordinator, places):
    shed = Watershed.objects.create(kind="cuenca", code="MAP", name="Mapacho", path="MAP/")
    shed.communities.add(places["tinki"], places["pacchanta"])
    scheme = pes.create_scheme(actor=coordinator, code="mapacho-agua", name="Agua del Mapacho", service="water",
                               watershed=shed, territory=places["ocongate"])
    utility = Organisation.objects.create(name="EPS Ocongate", kind="water_utility", territory=places["ocongate"])
    scheme.utility = pes.add_contributor(actor=coordinator, scheme=scheme, organisation=utility,
                                         yearly_amount="12000")
    return scheme


@pytest.fixture
def community(places):
    return Organisation.objects.create(name="Comunidad de Tinki", kind="community_government",
                                       territory=places["tinki"])


def agreement(coordinator, scheme, community, area=INSIDE):
    return pes.sign_agreement(
        actor=coordinator, scheme=scheme, signed_on=day(2026, 1, 10), starts_on=day(2026, 1, 1),
        ends_on=day(2028, 12, 31), area=area, hectares="120", organisation=community, commitments=[
            ("protect", "Bofedal cercado", "80", "ha", "6000"), ("trees", "Queñuas plantadas", "2000", "árboles", "3000"),
            ("qochas", "Qochas restauradas", "4", "qochas", "1000")])


def test_from_contributions_to_paid_retributions(coordinator, technician, scheme, community):
    pes.contribute(actor=coordinator, scheme=scheme, contributor=scheme.utility, date=day(2026, 2, 1), amount="12000")
    assert pes.balance(scheme) == D("12000.00")
    deal = agreement(coordinator, scheme, community)
    protect, trees, qochas = deal.commitments.order_by("pk")
    # 2026: the bofedal fully protected, 60 % of the trees, no qocha restored.
    first = pes.verify(actor=technician, agreement=deal, period=2026, date=day(2026, 11, 20), grades={
        protect.pk: ("full", None, "Cerco completo, fotos 1-4"), trees.pk: ("partial", 60, "1,200 queñuas vivas"),
        qochas.pk: ("none", None, "Sin trabajos")}, points={"type": "MultiPoint", "coordinates": [[-71.28, -13.68]]})
    assert first.due == D("7800.00")  # 6,000 + 60 % of 3,000 + nothing
    assert pes.warning(first) == ""
    payment = pes.approve(actor=coordinator, verification=first, date=day(2026, 11, 25))
    assert [(p.pk, age) for p, age in pes.owed(scheme, day(2026, 12, 5))] == [(payment.pk, 10)]
    pes.pay(actor=coordinator, payment=payment, date=day(2026, 12, 5))
    assert pes.balance(scheme) == D("4200.00") and not pes.owed(scheme, day(2026, 12, 31))
    trial = books.trial_balance(scheme.book)
    assert sum(r.debit for r in trial) == sum(r.credit for r in trial)

    # 2027: nothing done. Nothing is due, with a warning, and nothing can be approved.
    second = pes.verify(actor=technician, agreement=deal, period=2027, date=day(2027, 11, 20), grades={
        c.pk: ("none", None, "") for c in (protect, trees, qochas)})
    assert second.due == 0 and "no corresponde retribución" in pes.warning(second)
    with pytest.raises(ValidationError, match="Sin cumplimiento verificado"):
        pes.approve(actor=coordinator, verification=second, date=day(2027, 11, 25))
    # 2028: all done, but the fund holds less than is due: approved (owed), not paid.
    third = pes.verify(actor=technician, agreement=deal, period=2028, date=day(2028, 11, 20), grades={
        c.pk: ("full", None, "") for c in (protect, trees, qochas)})
    owed = pes.approve(actor=coordinator, verification=third, date=day(2028, 11, 21))
    entries = Entry.objects.count()
    with pytest.raises(ValidationError, match="no alcanza para pagar S/ 10,000.00"):
        pes.pay(actor=coordinator, payment=owed, date=day(2028, 12, 1))
    assert Entry.objects.count() == entries and PesPayment.objects.get(pk=owed.pk).status == "approved"
    assert pes.owed(scheme, day(2029, 1, 20))[0][1] == 60  # waiting for 60 days


def test_bad_input_changes_nothing(coordinator, technician, officer, scheme, community):
    with pytest.raises(ValidationError, match="sale de la cuenca Mapacho"):
        agreement(coordinator, scheme, community, area=LIMA)
    with pytest.raises(ValidationError, match="GeoJSON"):
        agreement(coordinator, scheme, community, area={"type": "Polygon", "coordinates": "x"})
    assert not Agreement.objects.exists()
    deal = agreement(coordinator, scheme, community)
    grades = {c.pk: ("partial", 120, "") for c in deal.commitments.all()}
    with pytest.raises(ValidationError, match="parcial"):
        pes.verify(actor=technician, agreement=deal, period=2026, date=day(2026, 11, 1), grades=grades)
    with pytest.raises(ValidationError, match="no cubre el año 2030"):
        pes.verify(actor=technician, agreement=deal, period=2030, date=day(2030, 11, 1),
                   grades={c.pk: ("full", None, "") for c in deal.commitments.all()})
    with pytest.raises(PermissionDenied):  # the municipal officer of Ccatca verifies nothing here
        pes.verify(actor=officer, agreement=deal, period=2026, date=day(2026, 11, 1),
                   grades={c.pk: ("full", None, "") for c in deal.commitments.all()})
    with pytest.raises(PermissionDenied):
        pes.contribute(actor=technician, scheme=scheme, contributor=scheme.utility, date=day(2026, 2, 1),
                       amount="100")
    with pytest.raises(ValidationError, match="mayor que cero"):
        pes.contribute(actor=coordinator, scheme=scheme, contributor=scheme.utility, date=day(2026, 2, 1),
                       amount="-5")
    assert not Verification.objects.exists() and pes.balance(scheme) == 0


def verified_and_approved(coordinator, technician, scheme, community):
    pes.contribute(actor=coordinator, scheme=scheme, contributor=scheme.utility, date=day(2026, 2, 1), amount="12000")
    deal = agreement(coordinator, scheme, community)
    verification = pes.verify(actor=technician, agreement=deal, period=2026, date=day(2026, 11, 20), grades={
        c.pk: ("full", None, "") for c in deal.commitments.all()},
        points={"type": "MultiPoint", "coordinates": [[-71.28, -13.68]]})
    return pes.approve(actor=coordinator, verification=verification, date=day(2026, 11, 21))


def test_the_schemes_page(client_for, coordinator, technician, officer, scheme, community):
    from django.urls import reverse

    payment = verified_and_approved(coordinator, technician, scheme, community)
    url = reverse("scheme_detail", args=[scheme.code])
    page = client_for(coordinator).get(url)
    content = page.content.decode()
    assert page.status_code == 200 and [p.pk for p, _age in page.context["owed"]] == [payment.pk]
    assert content.count("<polygon") == 2 and "<circle" in content  # the district, the area, the point
    client_for(coordinator).post(url, {"action": "pay", "payment": payment.pk})
    assert PesPayment.objects.get(pk=payment.pk).status == "paid" and pes.balance(scheme) == D("2000.00")
    assert client_for(technician).get(url).status_code == 200  # the field technician who verifies reads it
    assert client_for(technician).post(url, {"action": "pay", "payment": payment.pk}).status_code == 404
    assert client_for(officer).get(url).status_code == 404


@pytest.mark.skipif(not __import__("os").path.exists("/usr/bin/chromium"), reason="make test installs chromium")
@pytest.mark.django_db(transaction=True)
def test_the_scheme_map_on_a_phone(live_server, browser, settings, coordinator, technician, scheme, community):
    from minka.people.tests.test_browser import overflowing, sign_in

    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    verified_and_approved(coordinator, technician, scheme, community)
    page = browser.new_page(viewport={"width": 360, "height": 740})
    sign_in(page, live_server, coordinator.username, landing="**/")
    page.click("nav.mainnav >> text=Incentivos")
    page.click(f"#schemes >> text={scheme.name}")
    page.wait_for_selector("#scheme-map svg")
    assert page.locator("#scheme-map svg polygon").count() == 2
    assert page.locator("#scheme-map svg circle").count() == 1
    box = page.locator("#scheme-map svg").bounding_box()
    assert 0 < box["width"] <= 360
    assert overflowing(page) == []
    page.click("#owed button")
    page.wait_for_selector("text=Hecho.")
    assert not PesPayment.objects.filter(status="approved").exists()


def test_recording_a_scheme_from_its_page(client_for, coordinator, technician, scheme, community, places):
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    url = reverse("scheme_detail", args=[scheme.code])
    office = client_for(coordinator)
    office.post(url, {"action": "contribute", "contributor": scheme.utility.pk, "date": "2026-02-01",
                      "amount": "9000"})
    assert pes.balance(scheme) == D("9000.00")
    deal = {"action": "agreement", "organisation": community.pk, "signed_on": "2026-01-10",
            "starts_on": "2026-01-01", "ends_on": "2027-12-31", "hectares": "50",
            "commitments": "protect | Bofedal cercado | 20 | ha | 4000\ntrees | Queñuas | 500 | árboles | 1000"}
    page = office.post(url, {**deal, "area": json.dumps(LIMA)})
    assert "sale de la cuenca" in page.content.decode() and not Agreement.objects.exists()
    upload = SimpleUploadedFile("areas.geojson", json.dumps(
        {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": INSIDE}]}).encode())
    office.post(url, {**deal, "area_file": upload})
    agreement = Agreement.objects.get()
    family = register(technician, places["pacchanta"], name="Familia Mamani")  # a family may act too
    office.post(url, {**deal, "organisation": "", "household": family.code, "area": json.dumps(INSIDE)})
    assert Agreement.objects.get(household=family).territory == places["pacchanta"]
    protect, trees = agreement.commitments.order_by("pk")
    field = Client()
    field.force_login(technician)
    field.post(url, {"action": "verify", "agreement": agreement.pk, "period": "2026", "date": "2026-11-20",
                     f"grade_{protect.pk}": "full", f"grade_{trees.pk}": "partial", f"percent_{trees.pk}": "50",
                     f"evidence_{protect.pk}": "fotos"})
    assert Verification.objects.get().due == D("4500.00")


def test_the_merese_registry_export(client_for, coordinator, technician, officer, scheme, community):
    import csv
    import io

    from django.urls import reverse

    payment = verified_and_approved(coordinator, technician, scheme, community)
    pes.pay(actor=coordinator, payment=payment, date=day(2026, 12, 1))
    client = client_for(coordinator)
    response = client.get(reverse("scheme_registry", args=[scheme.code, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == pes.REGISTRY and len(rows) == 2
    row = dict(zip(rows[0], rows[1]))
    assert row["retribuyente_a"] == "Comunidad de Tinki"
    assert row["distrito"] == "Ocongate" and row["hectareas"] == "120.00"
    assert "Bofedal cercado: 80 ha" in row["acciones"] and row["retribucion_anual_comprometida"] == "10000.00"
    assert row["aportes_recibidos"] == "12000.00" and row["retribuciones_pagadas"] == "10000.00"
    xlsx = client.get(reverse("scheme_registry", args=[scheme.code, "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(reverse("scheme_registry", args=[scheme.code, "pdf"])).status_code == 404
    assert client_for(officer).get(reverse("scheme_registry", args=[scheme.code, "csv"])).status_code == 404


def test_drawing_an_agreements_areas_on_the_map(live_server, browser, settings, coordinator, scheme, community):
    import json

    from minka.people.tests.test_browser import sign_in

    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    scheme.watershed.geometry = {"type": "Polygon", "coordinates": [[[-71.30, -13.70], [-71.26, -13.70],
                                                                     [-71.26, -13.66], [-71.30, -13.66],
                                                                     [-71.30, -13.70]]]}
    scheme.watershed.save()
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    sign_in(page, live_server, coordinator.username, landing="**/")
    page.goto(f"{live_server.url}/mecanismos/{scheme.code}/")
    page.click("text=Firmar un acuerdo")
    page.wait_for_selector("#area-map[data-loaded]")
    page.locator("#area-map").scroll_into_view_if_needed()
    page.click("#area-map .leaflet-pm-icon-polygon")  # the draw-a-polygon button
    box = page.locator("#area-map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    corners = [(cx - 40, cy - 40), (cx + 40, cy - 40), (cx + 40, cy + 40), (cx - 40, cy + 40)]
    for x, y in corners + corners[:1]:  # back on the first corner closes it
        page.mouse.click(x, y)
    area = json.loads(page.input_value("#id_area"))
    assert area["type"] == "MultiPolygon" and len(area["coordinates"][0][0]) == 5
    drawn = float(page.input_value("#id_hectares"))
    assert drawn > 0 and f"{drawn:.2f}" in page.inner_text("#area-drawn")
    page.select_option("#id_organisation", label=str(community))
    page.fill("#id_starts_on", "2026-01-01")
    page.fill("#id_ends_on", "2028-12-31")
    page.fill("#id_commitments", "protect | Bofedal cercado | 20 | ha | 4000")
    page.click("#agreement-form button[type=submit]")
    page.wait_for_selector("text=Hecho.")
    agreement = Agreement.objects.get(scheme=scheme)
    assert agreement.area == area and agreement.hectares == D(f"{drawn:.2f}")
    assert page.locator("#scheme-map svg polygon").count() == 2  # the district and the area drawn


def test_evidence_of_each_action_gps_point_and_photo(client_for, settings, tmp_path, coordinator, technician, officer,
                                                      scheme, community):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    deal = agreement(coordinator, scheme, community)
    protect, trees, qochas = deal.commitments.order_by("pk")
    picture = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(picture, "JPEG")
    url = reverse("scheme_detail", args=[scheme.code])
    field = Client()
    field.force_login(technician)
    visit = {"action": "verify", "agreement": deal.pk, "period": "2026", "date": "2026-11-20",
             f"grade_{protect.pk}": "full", f"grade_{trees.pk}": "none", f"grade_{qochas.pk}": "none",
             f"gps_{protect.pk}": "-13.68, -71.28"}
    # a text file is not a photo; a point must read "latitude, longitude": nothing is written
    page = field.post(url, {**visit, f"photo_{protect.pk}": SimpleUploadedFile("cerco.jpg", b"not a photo")})
    assert "no es una foto" in page.content.decode() and not Verification.objects.exists()
    page = field.post(url, {**visit, f"gps_{trees.pk}": "norte del bofedal"})
    assert "latitud, longitud" in page.content.decode() and not Verification.objects.exists()
    field.post(url, {**visit, f"photo_{protect.pk}": SimpleUploadedFile("cerco.jpg", picture.getvalue())})
    verification = Verification.objects.get()
    grade = verification.grades.get(commitment=protect)
    assert grade.point == {"type": "Point", "coordinates": [-71.28, -13.68]}
    assert grade.photo.name.endswith(f"compromiso-{protect.pk}.jpg")
    assert verification.points == {"type": "MultiPoint", "coordinates": [[-71.28, -13.68]]}
    photo = reverse("evidence_photo", args=[scheme.code, grade.pk])
    assert photo in client_for(coordinator).get(url).content.decode()
    response = client_for(coordinator).get(photo)
    assert response.status_code == 200 and b"".join(response.streaming_content) == picture.getvalue()
    assert client_for(officer).get(photo).status_code == 404  # outside the scheme's place


def test_the_yearly_report(client_for, coordinator, technician, officer, scheme, community):
    from django.urls import reverse

    payment = verified_and_approved(coordinator, technician, scheme, community)
    pes.pay(actor=coordinator, payment=payment, date=day(2026, 12, 1))  # 11 days after the visit: on time
    report = pes.yearly_report(scheme, 2026, day(2026, 12, 31))
    assert report["opening"] == 0 and report["contributed"] == D("12000.00")
    assert report["paid_total"] == D("10000.00") and report["closing"] == D("2000.00") and report["other"] == 0
    assert report["hectares"] == 120 and report["verified_hectares"] == 120
    assert (report["on_time"], report["settled"]) == (1, 1) and not report["owed"]
    client = client_for(coordinator)
    response = client.get(reverse("scheme_report", args=[scheme.code, 2026]), {"lang": "fr"})
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    from django.template.loader import render_to_string
    from django.utils import translation

    for language, title in (("es", "Agua del Mapacho: informe 2026"), ("fr", "Agua del Mapacho : rapport 2026")):
        with translation.override(language):
            html = render_to_string("incentives/scheme_report_pdf.html", {**report, "language": language})
        assert title in html and "Bofedal cercado" in html and "10,000.00" in html
    assert reverse("scheme_report", args=[scheme.code, 2026]) in client.get(
        reverse("scheme_detail", args=[scheme.code])).content.decode()
    assert client_for(officer).get(reverse("scheme_report", args=[scheme.code, 2026])).status_code == 404
