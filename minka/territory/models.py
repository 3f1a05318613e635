"""The territory: one administrative tree and, beside it, the watersheds.

A territory's `path` is its materialised path, made of the codes of its ancestors and its own
(`PE/08/0812/081210/`), so that everything under a unit is one indexed prefix query.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Territory(models.Model):
    class Kind(models.TextChoices):
        COUNTRY = "country", _("País")
        REGION = "region", _("Región")
        PROVINCE = "province", _("Provincia")
        DISTRICT = "district", _("Distrito")
        COMMUNITY = "community", _("Comunidad campesina")
        SECTOR = "sector", _("Sector")

    kind = models.CharField(_("tipo"), max_length=16, choices=Kind.choices)
    code = models.CharField(
        _("código"), max_length=32, unique=True,
        help_text=_("Ubigeo INEI para regiones, provincias y distritos."),
    )
    alt_code = models.CharField(_("código RENIEC"), max_length=32, blank=True)
    name = models.CharField(_("nombre"), max_length=200)
    parent = models.ForeignKey(
        "self", verbose_name=_("pertenece a"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    geometry = models.JSONField(_("geometría (GeoJSON)"), null=True, blank=True)
    attributes = models.JSONField(_("atributos"), default=dict, blank=True)
    is_demo = models.BooleanField(_("dato de demostración"), default=False)

    class Meta:
        verbose_name = _("territorio")
        verbose_name_plural = _("territorios")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(parent__isnull=True) | models.Q(depth__gt=0),
                name="territory_child_has_depth",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_personal_level(self):
        """Communities and sectors are where families live."""
        return self.kind in (self.Kind.COMMUNITY, self.Kind.SECTOR)

    def ancestors(self):
        """The units above this one, from the country down, in one query."""
        codes = self.path.strip("/").split("/")[:-1]
        by_code = {t.code: t for t in Territory.objects.filter(code__in=codes)}
        return [by_code[c] for c in codes if c in by_code]

    def subtree(self):
        return Territory.objects.filter(path__startswith=self.path)


# Which kind of unit may hold which: the tree region > province > district > community > sector.
ALLOWED_PARENT = {
    Territory.Kind.COUNTRY: None,
    Territory.Kind.REGION: Territory.Kind.COUNTRY,
    Territory.Kind.PROVINCE: Territory.Kind.REGION,
    Territory.Kind.DISTRICT: Territory.Kind.PROVINCE,
    Territory.Kind.COMMUNITY: Territory.Kind.DISTRICT,
    Territory.Kind.SECTOR: Territory.Kind.COMMUNITY,
}


class Watershed(models.Model):
    """A cuenca or microcuenca: a second tree whose members are communities of any district."""

    class Kind(models.TextChoices):
        BASIN = "cuenca", _("Cuenca")
        SUBBASIN = "microcuenca", _("Microcuenca")

    kind = models.CharField(_("tipo"), max_length=16, choices=Kind.choices)
    code = models.CharField(_("código"), max_length=32, unique=True)
    name = models.CharField(_("nombre"), max_length=200)
    parent = models.ForeignKey(
        "self", verbose_name=_("pertenece a"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    geometry = models.JSONField(_("geometría (GeoJSON)"), null=True, blank=True)
    communities = models.ManyToManyField(
        Territory, verbose_name=_("comunidades"), blank=True, related_name="watersheds",
        limit_choices_to={"kind__in": [Territory.Kind.COMMUNITY, Territory.Kind.SECTOR]},
    )
    is_demo = models.BooleanField(_("dato de demostración"), default=False)

    class Meta:
        verbose_name = _("cuenca")
        verbose_name_plural = _("cuencas")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def subtree(self):
        return Watershed.objects.filter(path__startswith=self.path)
