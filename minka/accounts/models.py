"""Who may see and do what, where.

A user holds one or more assignments: a role over a territory. The territory's subtree is the
scope of that role. Everything personal is filtered through these assignments."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrador(a)")
    COORDINATOR = "coordinator", _("Coordinador(a) de programa")
    TECHNICIAN = "technician", _("Técnico(a) de campo")
    MUNICIPAL = "municipal", _("Funcionario(a) municipal")
    ENTERPRISE = "enterprise", _("Gerente de la empresa")
    CREDIT = "credit", _("Comité de crédito")
    COMMUNITY = "community", _("Autoridad comunal")
    EVALUATOR = "evaluator", _("Evaluador(a) de planes de negocio")


class Assignment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments",
                             verbose_name=_("usuario"))
    role = models.CharField(_("rol"), max_length=16, choices=Role.choices)
    territory = models.ForeignKey("territory.Territory", on_delete=models.PROTECT, related_name="assignments",
                                  verbose_name=_("ámbito"))

    class Meta:
        verbose_name = _("asignación")
        verbose_name_plural = _("asignaciones")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "territory"], name="assignment_unique"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.territory}"
