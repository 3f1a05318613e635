"""The mesa's pages: a technician records a meeting from the list of representatives, its
agreements and their follow-up; the calendar; the public accountability page without names; an
outsider sees nothing of another district's mesa."""

import datetime

from django.urls import reverse
from django.utils import timezone

from minka.governance import services
from minka.governance.models import Accord, Meeting

from minka.people.tests.test_browser import browser  # noqa: F401 (fixture)

from .test_spaces import mesa  # noqa: F401 (fixture)


def test_from_calling_a_meeting_to_following_its_agreements(client_for, technician, officer, mesa):  # noqa: F811
    today = timezone.localdate()
    for key in ("muni", "lecheros", "tinki"):
        membership = mesa.memberships.get(organisation=mesa.orgs[key])
        services.add_representative(actor=technician, membership=membership, name=f"Delegada {key}", sex="F",
                                    since=datetime.date(2025, 1, 15))
    client = client_for(technician)
    space_url = reverse("space_detail", args=[mesa.code])
    client.post(space_url, {"action": "schedule", "date": today.isoformat(), "place": "Salón comunal de Tinki",
                            "kind": "ordinary", "agenda": "1. Canal\n2. Feria"})
    meeting = Meeting.objects.get()
    url = reverse("meeting_detail", args=[mesa.code, meeting.number])
    page = client.get(url).content.decode()
    assert "Delegada muni (Municipalidad de Ocongate)" in page and "se necesitan 3" in page
    reps = {f"rep_{r.pk}": "on" for r in mesa.memberships.get(organisation=mesa.orgs["muni"]).representatives.all()}
    # one member and a guest: no quorum, so not a meeting with agreements; nothing is written
    page = client.post(url, {"action": "hold", **reps, "others": "Juan Quispe | M |", "decisive": "on"})
    assert "Sin quórum no hay acuerdos" in page.content.decode()
    assert Meeting.objects.get().status == "planned"
    page = client.post(url, {"action": "hold", **reps, "others": "Rosa Mamani | F | Comunidad de Nadie"})
    assert "no hay una organización «Comunidad de Nadie»" in page.content.decode()
    everyone = {f"rep_{r.pk}": "on" for m in mesa.memberships.all() for r in m.representatives.all()}
    client.post(url, {"action": "hold", **everyone, "others": "Juan Quispe | M |\nAna Huamán | F | CCAIJO",
                      "minutes": "Se acordó el expediente del canal.", "decisive": "on"})
    meeting.refresh_from_db()
    assert (meeting.status, meeting.present, meeting.members, meeting.quorum_met) == ("held", 3, 4, True)
    page = client.get(url).content.decode()
    assert "Juan Quispe" in page and "invitado(a)" in page
    client.post(url, {"action": "adopt", "text": "Expediente técnico del canal", "responsible": mesa.orgs["muni"].pk,
                      "proposed_by": mesa.orgs["tinki"].pk, "due_on": today.isoformat()})
    page = client.post(url, {"action": "adopt", "text": "Sin responsable", "responsible": "", "due_on": today})
    assert Accord.objects.count() == 1
    accord = Accord.objects.get()
    assert 'class="late"' not in client.get(space_url).content.decode()
    Accord.objects.filter(pk=accord.pk).update(due_on=today - datetime.timedelta(days=3))
    page = client.get(space_url + "?acuerdos=vencidos").content.decode()
    assert "Expediente técnico del canal" in page and 'class="late"' in page
    client.post(space_url, {"action": "follow", "accord": accord.pk, "date": today.isoformat(), "status": "done",
                            "note": "Expediente aprobado por la municipalidad"})
    accord.refresh_from_db()
    assert accord.status == "done" and accord.closed_on == today
    calendar = client.get(reverse("space_calendar"), {"mes": today.strftime("%Y-%m")}).content.decode()
    assert url in calendar
    # the public page: organisations, counts, agreements; no person's name
    public = client_for(officer).get(reverse("space_public", args=[mesa.code])).content.decode()
    assert "Expediente técnico del canal" in public and "Cumplido" in public and "Municipalidad de Ocongate" in public
    assert "Delegada" not in public and "Juan Quispe" not in public
    # an outsider (Ccatca) sees neither the mesa nor its meetings, and records nothing
    outsider = client_for(officer)
    assert outsider.get(space_url).status_code == 404 and outsider.get(url).status_code == 404
    assert outsider.post(space_url, {"action": "schedule", "date": today, "place": "x", "kind": "ordinary",
                                     "agenda": "x"}).status_code == 404
    assert Meeting.objects.count() == 1


def test_the_public_accountability_page_on_a_phone(live_server, browser, settings, technician,  # noqa: F811
                                                   mesa):  # noqa: F811
    from minka.people.tests.test_browser import overflowing

    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    today = timezone.localdate()
    meeting = services.schedule(actor=technician, space=mesa, date=today - datetime.timedelta(days=40),
                                place="Salón comunal de Tinki", agenda="Canal")
    meeting = services.hold(actor=technician, meeting=meeting, decisive=True, attendees=[
        (mesa.orgs[k], f"Delegada {k}", "F") for k in ("muni", "lecheros", "tinki")])
    services.adopt(actor=technician, meeting=meeting, text="Expediente técnico del canal de Tinki",
                   responsible=mesa.orgs["muni"], due_on=today - datetime.timedelta(days=5))
    services.schedule(actor=technician, space=mesa, date=today + datetime.timedelta(days=10), place="Salón municipal",
                      agenda="Presupuesto participativo")
    page = browser.new_page(viewport={"width": 360, "height": 740})  # no sign-in: the page is public
    page.goto(f"{live_server.url}/publico/mesas/{mesa.code}/")
    assert page.locator("#public-accords").inner_text().count("Expediente técnico del canal de Tinki") == 1
    assert "vencido" in page.locator("#public-accords").inner_text()
    assert "Salón municipal" in page.locator("#next").inner_text()
    assert "3 / 4" in page.locator("#public-meetings").inner_text()
    assert "Delegada" not in page.content()
    assert overflowing(page) == []


def test_the_observatory_portal_links_the_mesas(client, mesa, places):  # noqa: F811
    link = reverse("space_public", args=[mesa.code])
    assert link in client.get(reverse("public_unit", args=[places["ocongate"].code])).content.decode()
    assert link in client.get(reverse("public_unit", args=[places["quispicanchi"].code])).content.decode()
    assert link not in client.get(reverse("public_unit", args=[places["ccatca"].code])).content.decode()


def test_the_public_page_in_quechua(client, technician, mesa):  # noqa: F811
    from django.conf import settings

    services.schedule(actor=technician, space=mesa, date=timezone.localdate() + datetime.timedelta(days=3),
                      place="Salón municipal", agenda="Presupuesto participativo")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "quz"
    page = client.get(reverse("space_public", args=[mesa.code])).content.decode()
    assert "Rimanakuykuna, purisqanpas" in page and "Hamuq huñunakuy" in page  # agreements, next meeting
    assert "Acuerdos y su avance" not in page
