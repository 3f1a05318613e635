from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncentivesConfig(AppConfig):
    name = "minka.incentives"
    verbose_name = _("Incentivos: planes de negocio y retribución por servicios ecosistémicos")
