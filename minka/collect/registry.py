"""Choice lists of the real registry for phones (select_one_from_file), cut to the scope of the user
who downloads them: each technician's phone lists the communities and families they work with."""

import csv
import datetime
import io

from minka.accounts.permissions import RECORD_FIELD, scope_q
from minka.people.models import Household
from minka.territory.models import Territory
from minka.territory.selectors import watersheds_for


def _csv(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def registry_csv(kind, user):
    if kind == "communities":
        units = Territory.objects.filter(scope_q(user, "path", RECORD_FIELD),
                                         kind__in=[Territory.Kind.COMMUNITY, Territory.Kind.SECTOR])
        return _csv(["name", "label", "district"], ((t.code, t.name, t.parent.name)
                                                    for t in units.select_related("parent").order_by("path")))
    if kind == "trainings":
        from minka.learning.selectors import trainings_for

        since = datetime.date.today() - datetime.timedelta(days=120)
        events = trainings_for(user, RECORD_FIELD).filter(start_date__gte=since).select_related("place")
        return _csv(["name", "label"], ((t.pk, f"{t.start_date:%d/%m} · {t.title} · {t.place.name}")
                                        for t in events.order_by("-start_date")))
    if kind == "watersheds":
        return _csv(["name", "label"], ((w.code, w.name) for w in watersheds_for(user)))
    households = Household.objects.filter(scope_q(user, "community__path", RECORD_FIELD)).select_related("community")
    return _csv(["name", "label", "community"], ((h.code, f"{h.name} ({h.code})", h.community.code)
                                                 for h in households.order_by("community__path", "name")))
