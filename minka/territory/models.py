"""The territory: one administrative tree and, beside it, the watersheds.

A territory's `path` is its materialised path, made of the codes of its ancestors and its own
(`PE/08/0812/081210/`), so that everything under a unit is one indexed prefix query.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


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


class Infrastructure(models.Model):
    """A work of the watershed: productive (terraces, waru waru, qochas), water (canals, reservoirs)
    or logistic (roads, granaries, collection centres), placed as a point or a line."""

    class Kind(models.TextChoices):
        TERRACE = "terrace", _("Andenes / terrazas")
        WARU_WARU = "waru_waru", _("Waru waru")
        QOCHA = "qocha", _("Qocha / laguna represada")
        CANAL = "canal", _("Canal de riego")
        RESERVOIR = "reservoir", _("Reservorio")
        ROAD = "road", _("Camino / trocha")
        GRANARY = "granary", _("Almacén / granero")
        COLLECTION_CENTRE = "collection_centre", _("Centro de acopio")

    class SizeUnit(models.TextChoices):
        HECTARE = "ha", _("ha")
        METRE = "m", _("m")
        KILOMETRE = "km", _("km")
        CUBIC_METRE = "m3", _("m³")
        SQUARE_METRE = "m2", _("m²")
        TONNE = "t", _("t")

    DEFAULT_UNIT = {Kind.TERRACE: SizeUnit.HECTARE, Kind.WARU_WARU: SizeUnit.HECTARE, Kind.QOCHA: SizeUnit.CUBIC_METRE,
                    Kind.CANAL: SizeUnit.KILOMETRE, Kind.RESERVOIR: SizeUnit.CUBIC_METRE, Kind.ROAD: SizeUnit.KILOMETRE,
                    Kind.GRANARY: SizeUnit.TONNE, Kind.COLLECTION_CENTRE: SizeUnit.SQUARE_METRE}

    code = models.CharField(_("código"), max_length=32, unique=True)
    kind = models.CharField(_("tipo"), max_length=24, choices=Kind.choices)
    name = models.CharField(_("nombre"), max_length=200)
    community = models.ForeignKey(Territory, verbose_name=_("comunidad"), on_delete=models.PROTECT,
                                  related_name="infrastructure",
                                  limit_choices_to={"kind__in": ["community", "sector"]})
    watershed = models.ForeignKey(Watershed, verbose_name=_("cuenca"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="infrastructure")
    geometry = models.JSONField(_("ubicación (GeoJSON)"), null=True, blank=True)
    size = models.DecimalField(_("tamaño"), max_digits=12, decimal_places=2, null=True, blank=True)
    size_unit = models.CharField(_("unidad"), max_length=4, choices=SizeUnit.choices, blank=True)
    built_year = models.PositiveSmallIntegerField(_("año de construcción"), null=True, blank=True)
    notes = models.TextField(_("observaciones"), blank=True)
    is_demo = models.BooleanField(_("dato de demostración"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("infraestructura")
        verbose_name_plural = _("infraestructura")
        ordering = ["community__path", "kind", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(size__isnull=True) | models.Q(size__gte=0),
                                   name="infrastructure_size_not_negative"),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def condition(self):
        latest = self.conditions.first()
        return latest.condition if latest else None


class InfrastructureCondition(models.Model):
    class Condition(models.TextChoices):
        GOOD = "good", _("Bueno")
        FAIR = "fair", _("Regular")
        POOR = "poor", _("Malo")
        OUT_OF_USE = "out_of_use", _("Fuera de uso")

    infrastructure = models.ForeignKey(Infrastructure, on_delete=models.CASCADE, related_name="conditions")
    date = models.DateField(_("fecha"))
    condition = models.CharField(_("estado"), max_length=16, choices=Condition.choices)
    notes = models.TextField(_("observaciones"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("registrado por"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("estado de la infraestructura")
        verbose_name_plural = _("estados de la infraestructura")
        ordering = ["-date", "-pk"]


class InfrastructureWork(models.Model):
    class Kind(models.TextChoices):
        CONSTRUCTION = "construction", _("Construcción")
        REHABILITATION = "rehabilitation", _("Rehabilitación")
        MAINTENANCE = "maintenance", _("Mantenimiento")
        EXTENSION = "extension", _("Ampliación")

    infrastructure = models.ForeignKey(Infrastructure, on_delete=models.CASCADE, related_name="works")
    kind = models.CharField(_("tipo de obra"), max_length=16, choices=Kind.choices)
    start_date = models.DateField(_("inicio"))
    end_date = models.DateField(_("fin"), null=True, blank=True)
    description = models.TextField(_("descripción"), blank=True)
    cost = models.DecimalField(_("costo (S/)"), max_digits=12, decimal_places=2, null=True, blank=True)
    funder = models.CharField(_("financiado por"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("registrado por"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("obra")
        verbose_name_plural = _("obras")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(cost__isnull=True) | models.Q(cost__gte=0),
                                   name="work_cost_not_negative"),
            models.CheckConstraint(condition=models.Q(end_date__isnull=True)
                                   | models.Q(end_date__gte=models.F("start_date")), name="work_ends_after_start"),
        ]
