from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "minka.credit"
    verbose_name = _("Fondo de crédito y garantía")
