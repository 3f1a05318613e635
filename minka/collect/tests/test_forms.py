import pytest

from minka.collect import services
from minka.collect.models import Form, FormVersion
from minka.collect.tests.xlsforms import xlsform


def test_an_xlsform_is_converted_by_pyxform_and_published(coordinator, places):
    version = services.publish_xlsform(actor=coordinator, data=xlsform(), filename="leche.xlsx",
                                       territory=places["ocongate"])
    assert version.form.form_id == "leche_diaria" and version.version == "2024110101"
    assert 'id="leche_diaria"' in version.xml and "Runasimi (quz)" in version.xml
    media, missing = services.expected_media(version)
    assert media == ["households.csv"] and missing == ["households.csv"]


def test_a_form_pyxform_rejects_is_refused_row_by_row_and_nothing_is_saved(coordinator, places):
    broken = xlsform(survey=[["select_one colours", "colour", "Color", "Color", ""],
                             ["integer", "colour", "Otra vez", "Otra vez", ""]])
    with pytest.raises(services.FormRejected) as rejected:
        services.publish_xlsform(actor=coordinator, data=broken, filename="roto.xlsx", territory=places["ocongate"])
    assert rejected.value.messages
    assert not Form.objects.exists() and not FormVersion.objects.exists()
    with pytest.raises(services.FormRejected):
        services.publish_xlsform(actor=coordinator, data=b"not a spreadsheet", filename="x.xlsx",
                                 territory=places["ocongate"])


def test_a_new_version_keeps_the_old_one_and_a_used_version_number_is_refused(coordinator, places):
    first = services.publish_xlsform(actor=coordinator, data=xlsform(), filename="a.xlsx", territory=places["ocongate"])
    second = services.publish_xlsform(actor=coordinator, data=xlsform(version="2024120101"), filename="b.xlsx")
    assert first.form == second.form and second.form.current == second
    assert FormVersion.objects.filter(form=first.form).count() == 2
    with pytest.raises(services.FormRejected, match="ya existe"):
        services.publish_xlsform(actor=coordinator, data=xlsform(version="2024120101"), filename="c.xlsx")


def test_only_the_coordination_publishes_forms(technician, places):
    with pytest.raises(services.PermissionDenied):
        services.publish_xlsform(actor=technician, data=xlsform(), filename="a.xlsx", territory=places["ocongate"])
