from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from minka.core.tabular import ImportRejected
from minka.territory import services


class Command(BaseCommand):
    help = ("Import communities (with sectors) or watersheds from CSV, XLSX or GeoJSON. "
            "Every row is checked first; if any row is wrong nothing is imported and each error is listed.")

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["communities", "watersheds", "districts-geojson"])
        parser.add_argument("file")
        parser.add_argument("--demo", action="store_true", help="mark the imported units as demo data")

    def handle(self, *args, what, file, demo, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No existe el archivo %(file)s") % {"file": file})
        data = path.read_bytes()
        try:
            if what == "districts-geojson":
                count = services.load_district_polygons(data=data)
                self.stdout.write(_("%(count)s polígonos de distrito cargados.") % {"count": count})
                return
            importer = services.import_communities if what == "communities" else services.import_watersheds
            result = importer(data=data, filename=path.name, is_demo=demo)
        except ImportRejected as rejected:
            for error in rejected.errors:
                self.stderr.write(str(error))
            raise CommandError(_("Nada fue importado: %(count)s errores.") % {"count": len(rejected.errors)})
        for notice in result["notices"]:
            self.stdout.write(notice)
        self.stdout.write(_("%(created)s creadas, %(updated)s actualizadas.") % result)
