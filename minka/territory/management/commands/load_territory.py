from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from minka.territory import services


class Command(BaseCommand):
    help = "Load Peru's regions, provinces and districts (INEI ubigeo) and the bundled district polygons."

    def handle(self, *args, **options):
        counts = services.load_national_territory()
        polygons = services.load_reference_polygons()
        self.stdout.write(_("Territorio nacional: %(created)s unidades nuevas, %(updated)s actualizadas; "
                            "%(polygons)s polígonos de distrito.") % {**counts, "polygons": polygons})
        for name in counts["skipped"]:
            self.stdout.write(_("Sin código INEI, no cargado: %(name)s") % {"name": name})
