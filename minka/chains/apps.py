from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainsConfig(AppConfig):
    name = "minka.chains"
    verbose_name = _("Cadenas de valor y registros de campo")

    def ready(self):
        from minka.people.timeline import register

        from .timeline import field_story

        register(field_story)
