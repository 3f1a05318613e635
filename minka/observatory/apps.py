from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservatoryConfig(AppConfig):
    name = "minka.observatory"
    verbose_name = _("Observatorio")

    def ready(self):
        from . import changes

        changes.connect()
