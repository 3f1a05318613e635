from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectConfig(AppConfig):
    name = "minka.collect"
    verbose_name = _("Recolección de datos")
