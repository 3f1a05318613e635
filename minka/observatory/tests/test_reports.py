"""The PDF systematisation report: built in the background with its progress, in Spanish or
French, with the indicators against targets, charts, maps and method notes."""

import datetime

import pytest
from django.urls import reverse

from minka.conftest import register
from minka.observatory import engine, reports, svgmap
from minka.observatory.catalogue import set_program_targets
from minka.observatory.models import Report
from minka.observatory.tests.test_engine import ensure_indicators  # noqa: F401  (fixture)
from minka.observatory.tests.test_incremental import milk_record


@pytest.fixture
def figures(technician, coordinator, places, ensure_indicators):  # noqa: F811
    for n in range(6):
        family = register(technician, places["tinki"], name=f"Familia {n}", chains=("milk",))
        milk_record(technician, family, datetime.date(2023, 9, 1), 100)
        milk_record(technician, family, datetime.date(2024, 9, 1), 120)
    for n in range(2):
        register(coordinator, places["ccopi"], name=f"Familia Ccatca {n}", chains=("milk",))
    set_program_targets(places["quispicanchi"])
    engine.refresh()


def test_a_coordinator_gets_a_report_built_in_the_background(client_for, coordinator, figures,
                                                             django_capture_on_commit_callbacks):
    client = client_for(coordinator)
    assert "Informe PDF" in client.get(reverse("observatory_dashboard", args=["0812"])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("observatory_report_new", args=["0812"]),
                               {"program": "dausangate", "season": "2023", "language": "fr"})
    report = Report.objects.get()
    assert response.url == reverse("observatory_report", args=[report.pk])
    assert (report.status, report.progress, report.language, report.season) == ("done", 100, "fr", 2023)
    page = client.get(response.url).content.decode()
    assert "Descargar el PDF" in page
    pdf = client.get(response.url + "?download=1")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-") and len(pdf.content) > 5000
    assert "minka-informe-dausangate-0812-2023-fr.pdf" in pdf["Content-Disposition"]
    # Asked again: the new report replaces the older one; another season is another report.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("observatory_report_new", args=["0812"]),
                    {"program": "dausangate", "season": "2023", "language": "fr"})
        client.post(reverse("observatory_report_new", args=["0812"]),
                    {"program": "dausangate", "season": "2024", "language": "fr"})
    assert Report.objects.count() == 2 and not Report.objects.filter(pk=report.pk).exists()
    assert client.get(response.url).status_code == 404


def test_the_report_says_what_the_figures_are_at_the_season_asked(coordinator, figures, places):
    report = Report(territory=places["quispicanchi"], program="dausangate", season=2023, language="fr",
                    requested_by=coordinator)
    report.save()
    sections = {s["indicator"].code: s for s in reports.sections(report)}
    milk = sections["milk-volume"]
    assert milk["current"].value == 600 and milk["when"] == "2023-24"  # not the 720 of 2024-25
    assert [label for label, _v in milk["chart"].points] == ["2023-24"]
    producers = sections["milk-producers"]
    assert producers["current"].value == 8 and producers["target"].target == 490 and producers["status"] == "off_track"
    # Ccatca's 2 families are shown as «< 5», not as their figure; the map leaves them uncoloured.
    ccatca = next(entry for entry in producers["children"] if entry[0].code == "081205")
    assert ccatca[1] is None and ccatca[2] is True
    assert producers["map"].count("<polygon") == 2 and 'fill="#ffffff"' in producers["map"]
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("fr"):
        html = render_to_string("observatory/report.html", {"report": report, "territory": report.territory,
                                                            "sections": list(sections.values()), "period": "2023-24",
                                                            "ancestors": []})
    assert "Rapport de systématisation" in html and "Lait produit" in html and "&lt; 5" in html


def test_reports_stay_in_the_scope_and_with_who_asked(client_for, technician, coordinator, figures, places):
    assert client_for(technician).get(reverse("observatory_report_new", args=["0812"])).status_code == 404
    report = Report.objects.create(territory=places["quispicanchi"], requested_by=coordinator)
    assert client_for(technician).get(reverse("observatory_report", args=[report.pk])).status_code == 404
    client = client_for(coordinator)
    response = client.post(reverse("observatory_report_new", args=["0812"]), {"program": "nope", "language": "es"})
    assert response.status_code == 302 and Report.objects.count() == 1  # refused, nothing written


def test_the_map_is_drawn_for_print():
    square = {"type": "Polygon", "coordinates": [[[-71, -13], [-70, -13], [-70, -14], [-71, -14], [-71, -13]]]}
    svg = svgmap.choropleth([("A", square, 1.0), ("B", {"type": "Point", "coordinates": [-70.5, -13.5]}, 9.0)])
    assert svg.count("<polygon") == 1 and svg.count("<circle") == 1 and "≥ 9" in svg
    assert svgmap.choropleth([("A", None, 1.0)]) == ""
