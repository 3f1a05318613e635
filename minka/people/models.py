"""Families (empresas familiares), their members, their value chains, their consent, and the
organisations of the territory. Every change is kept by django-simple-history."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from minka.core.models import TranslatedName
from minka.territory.models import Territory

dni_validator = RegexValidator(r"^\d{8}$", _("El DNI tiene exactamente 8 dígitos."))
ruc_validator = RegexValidator(r"^(10|15|17|20)\d{9}$", _("El RUC tiene 11 dígitos y empieza con 10, 15, 17 o 20."))


def validate_birth_year(value):
    this_year = datetime.date.today().year
    if not 1900 <= value <= this_year:
        raise ValidationError(_("Año de nacimiento fuera de rango (1900–%(year)s).") % {"year": this_year})


class ValueChain(TranslatedName):
    """A value chain families can be enrolled in (milk, guinea pig…). The list is data, kept by admins."""

    code = models.SlugField(_("código"), max_length=32, unique=True)
    order = models.PositiveSmallIntegerField(_("orden"), default=0)
    active = models.BooleanField(_("activa"), default=True)

    class Meta:
        verbose_name = _("cadena de valor")
        verbose_name_plural = _("cadenas de valor")
        ordering = ["order", "name"]


class Household(models.Model):
    code = models.CharField(_("código"), max_length=32, unique=True, editable=False)
    name = models.CharField(_("nombre de la familia o empresa familiar"), max_length=200)
    community = models.ForeignKey(
        Territory, verbose_name=_("comunidad"), on_delete=models.PROTECT, related_name="households",
        limit_choices_to={"kind__in": [Territory.Kind.COMMUNITY, Territory.Kind.SECTOR]},
    )
    address = models.CharField(_("referencia de ubicación"), max_length=255, blank=True)
    phone = models.CharField(_("teléfono"), max_length=20, blank=True,
                             validators=[RegexValidator(r"^\+?[0-9 ]{6,20}$", _("Teléfono inválido."))])
    notes = models.TextField(_("notas"), blank=True)
    is_demo = models.BooleanField(_("dato de demostración"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("familia")
        verbose_name_plural = _("familias")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["community", "name"], name="household_community_name")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.community_id and not self.community.is_personal_level:
            raise ValidationError({"community": _("Una familia vive en una comunidad o un sector.")})

    @property
    def head(self):
        return next((p for p in self.members.all() if p.role == Person.Role.HEAD), None)


class Person(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "F", _("Mujer")
        MALE = "M", _("Hombre")

    class Role(models.TextChoices):
        HEAD = "head", _("Jefe(a) de familia")
        SPOUSE = "spouse", _("Cónyuge")
        CHILD = "child", _("Hijo(a)")
        PARENT = "parent", _("Padre o madre")
        OTHER = "other", _("Otro pariente")

    class Language(models.TextChoices):
        QUECHUA = "quz", _("Quechua")
        SPANISH = "es", _("Castellano")
        BOTH = "quz-es", _("Quechua y castellano")

    household = models.ForeignKey(Household, verbose_name=_("familia"), on_delete=models.CASCADE,
                                  related_name="members")
    given_names = models.CharField(_("nombres"), max_length=120)
    surnames = models.CharField(_("apellidos"), max_length=120)
    dni = models.CharField(_("DNI"), max_length=8, blank=True, default="", validators=[dni_validator])
    sex = models.CharField(_("sexo"), max_length=1, choices=Sex.choices)
    birth_year = models.PositiveSmallIntegerField(_("año de nacimiento"), null=True, blank=True,
                                                  validators=[validate_birth_year])
    role = models.CharField(_("rol en la familia"), max_length=16, choices=Role.choices, default=Role.OTHER)
    language = models.CharField(_("idioma"), max_length=8, choices=Language.choices, default=Language.QUECHUA)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("persona")
        verbose_name_plural = _("personas")
        ordering = ["household", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dni"], condition=~models.Q(dni=""), name="person_dni_unique"),
            models.UniqueConstraint(fields=["household"], condition=models.Q(role="head"),
                                    name="person_one_head_per_household"),
            models.CheckConstraint(condition=models.Q(sex__in=["F", "M"]), name="person_sex_valid"),
        ]

    def __str__(self):
        return f"{self.given_names} {self.surnames}"

    @property
    def full_name(self):
        return str(self)


class Enrolment(models.Model):
    """A family's participation in a value chain; `producer` is the member who runs the activity."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="enrolments",
                                  verbose_name=_("familia"))
    chain = models.ForeignKey(ValueChain, on_delete=models.PROTECT, related_name="enrolments",
                              verbose_name=_("cadena de valor"))
    producer = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="enrolments", verbose_name=_("productor(a)"))
    since = models.DateField(_("desde"), default=datetime.date.today)
    until = models.DateField(_("hasta"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inscripción en cadena")
        verbose_name_plural = _("inscripciones en cadenas")
        constraints = [
            models.UniqueConstraint(fields=["household", "chain"], condition=models.Q(until__isnull=True),
                                    name="enrolment_one_open_per_chain"),
        ]

    def __str__(self):
        return f"{self.household} · {self.chain}"


class Consent(models.Model):
    """The family's consent to the processing of its data, as given on a date, to whom, for what."""

    class Scope(models.TextChoices):
        PROGRAM = "program", _("Seguimiento del programa")
        PROGRAM_AND_PARTNERS = "partners", _("Programa y entidades aliadas")
        PROGRAM_PARTNERS_PHOTOS = "photos", _("Programa, aliados, fotos y testimonios")
        PUBLIC = "public", _("Todo lo anterior y su nombre en las páginas públicas de los productos")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="consents",
                                  verbose_name=_("familia"))
    given_on = models.DateField(_("fecha"))
    given_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="consents", verbose_name=_("otorgado por"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("registrado por"))
    scope = models.CharField(_("alcance"), max_length=16, choices=Scope.choices, default=Scope.PROGRAM)
    withdrawn_on = models.DateField(_("retirado el"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consentimiento")
        verbose_name_plural = _("consentimientos")
        ordering = ["-given_on", "-pk"]

    def __str__(self):
        return f"{self.household} · {self.given_on}"


class Organisation(models.Model):
    class Kind(models.TextChoices):
        ASSOCIATION = "association", _("Asociación de productores")
        MUNICIPALITY = "municipality", _("Municipalidad")
        ENTERPRISE = "enterprise", _("Empresa de economía social y solidaria")
        NGO = "ngo", _("ONG")
        RESTAURANT = "restaurant", _("Restaurante")
        WATER_UTILITY = "water_utility", _("Empresa de agua")
        COMMUNITY_GOVERNMENT = "community_government", _("Gobierno comunal")
        LENDER = "lender", _("Entidad financiera (caja, cooperativa de ahorro y crédito)")

    name = models.CharField(_("nombre"), max_length=200)
    kind = models.CharField(_("tipo"), max_length=32, choices=Kind.choices)
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="organisations",
                                  verbose_name=_("ámbito"))
    ruc = models.CharField(_("RUC"), max_length=11, blank=True, default="", validators=[ruc_validator])
    is_demo = models.BooleanField(_("dato de demostración"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organización")
        verbose_name_plural = _("organizaciones")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["ruc"], condition=~models.Q(ruc=""), name="organisation_ruc_unique"),
        ]

    def __str__(self):
        return self.name


class OrganisationMember(models.Model):
    class Role(models.TextChoices):
        PRESIDENT = "president", _("Presidente(a)")
        VICE_PRESIDENT = "vice_president", _("Vicepresidente(a)")
        SECRETARY = "secretary", _("Secretario(a)")
        TREASURER = "treasurer", _("Tesorero(a)")
        REPRESENTATIVE = "representative", _("Representante")
        MEMBER = "member", _("Socio(a)")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="members",
                                     verbose_name=_("organización"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships",
                               verbose_name=_("persona"))
    role = models.CharField(_("cargo"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    since = models.DateField(_("desde"), null=True, blank=True)
    until = models.DateField(_("hasta"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("miembro")
        verbose_name_plural = _("miembros")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "person", "role"], condition=models.Q(until__isnull=True),
                                    name="organisation_member_open_unique"),
        ]

    def __str__(self):
        return f"{self.person} · {self.get_role_display()}"


class Party(models.Model):
    """Fields of what belongs to one family or one organisation (a loan, a business plan, a PES
    agreement), and the place that decides who may see it."""

    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("familia"))
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("organización"))
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="+", verbose_name=_("lugar"))

    class Meta:
        abstract = True

    @property
    def party(self):
        return self.household or self.organisation


def one_party(name):
    """The constraint that a row belongs to a family or to an organisation, not both, not neither."""
    return models.CheckConstraint(condition=models.Q(household__isnull=True) ^ models.Q(organisation__isnull=True),
                                  name=name)
