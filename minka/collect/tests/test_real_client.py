"""Submissions produced by a real ODK client engine (@getodk/xforms-engine under Node), talking to
a running Minka as ODK Collect does: form list, download, manifest and media, then /submission."""

import datetime
import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from minka.chains.models import Record
from minka.collect.models import Submission
from minka.collect.standard_forms import publish_standard_forms
from minka.conftest import PASSWORD, build_territory, ensure_value_chains, make_user, register
from minka.people.models import Household

CLIENT = Path(settings.BASE_DIR) / "scripts" / "odk-client.mjs"
ENGINE = Path(settings.BASE_DIR) / "node_modules" / "@getodk" / "xforms-engine"
pytestmark = pytest.mark.skipif(not (shutil.which("node") and ENGINE.exists()), reason="make test runs npm ci")


def fill_and_send(server, form_id, answers, tmp_path, user="tecnico"):
    path = tmp_path / f"{form_id}.json"
    path.write_text(json.dumps(answers))
    done = subprocess.run(["node", str(CLIENT), server, form_id, user, PASSWORD, str(path)], cwd=settings.BASE_DIR,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True)
def test_the_odk_engine_fills_and_sends_milk_and_a_new_family(live_server, tmp_path):
    ensure_value_chains()
    places = build_territory()
    technician = make_user("tecnico", "technician", places["ocongate"])
    coordinator = make_user("coordinadora", "coordinator", places["cusco"])
    family = register(technician, places["tinki"])
    publish_standard_forms(actor=coordinator, territory=places["cusco"])
    today = datetime.date.today().isoformat()

    sent = fill_and_send(live_server.url, "minka_leche", {
        "household": family.code, "date": today, "litres_day": "11.5", "cows": "3"}, tmp_path)
    assert sent["status"] == 201, sent
    submission = Submission.objects.get(instance_id=sent["instanceID"])
    assert submission.status == "processed", submission.error
    record = Record.objects.get()
    assert record.household == family and record.source == "collect"
    assert {v.measure.code: v.number for v in record.values.all()}["milk-litres-day"] == Decimal("11.5")

    sent = fill_and_send(live_server.url, "minka_familia", {
        "community": "081210-C02", "name": "Familia Layme Ccasa", "chains": "guinea-pig mushroom",
        "members": [{"given_names": "Nancy", "surnames": "Layme Ccasa", "sex": "F", "birth_year": "1992",
                     "role": "head", "language": "quz"},
                    {"given_names": "Wilber", "surnames": "Ccasa Puma", "sex": "M", "role": "spouse"}]}, tmp_path)
    assert sent["status"] == 201, sent
    assert Submission.objects.get(instance_id=sent["instanceID"]).status == "processed"
    new = Household.objects.get(name="Familia Layme Ccasa")
    assert [m.given_names for m in new.members.order_by("pk")] == ["Nancy", "Wilber"]
    assert {e.chain.code for e in new.enrolments.all()} == {"guinea-pig", "mushroom"}
