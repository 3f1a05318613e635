"""Concertation spaces (mesas de concertación): their member organisations and representatives, their
meetings with attendance, quorum and minutes, and the agreements (acuerdos) they adopt, followed until
done or dropped."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "F", _("Mujer")
    MALE = "M", _("Hombre")


class Space(models.Model):
    """A mesa de concertación of a district or of a watershed. Its place (`territory`) decides who
    sees it; its quorum is the share of its member organisations that must be present for a meeting
    to adopt agreements."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("Mesa de concertación distrital")
        WATERSHED = "watershed", _("Mesa de concertación de la cuenca")

    code = models.SlugField(_("código"), max_length=40, unique=True)
    name = models.CharField(_("nombre"), max_length=200)
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices, default=Kind.DISTRICT)
    territory = models.ForeignKey("territory.Territory", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("ámbito"))
    watershed = models.ForeignKey("territory.Watershed", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("cuenca"))
    founded_on = models.DateField(_("constituida el"))
    quorum = models.PositiveSmallIntegerField(
        _("quórum (porcentaje de las organizaciones miembro)"), default=51,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Parte de las organizaciones miembro que deben estar presentes para adoptar acuerdos."))
    description = models.TextField(_("descripción"), blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("espacio de concertación")
        verbose_name_plural = _("espacios de concertación")
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(quorum__gte=1) & Q(quorum__lte=100), name="space_quorum"),
                       models.CheckConstraint(condition=~Q(kind="watershed") | Q(watershed__isnull=False),
                                              name="space_watershed_named")]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """An organisation in a space, from the day it joined until the day it left (if it did)."""

    class Position(models.TextChoices):
        MEMBER = "member", _("Miembro")
        PRESIDENT = "president", _("Presidencia")
        SECRETARY = "secretary", _("Secretaría técnica")

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey("people.Organisation", on_delete=models.PROTECT, related_name="memberships",
                                     verbose_name=_("organización"))
    position = models.CharField(_("cargo"), max_length=10, choices=Position.choices, default=Position.MEMBER)
    joined_on = models.DateField(_("desde"))
    left_on = models.DateField(_("hasta"), null=True, blank=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [models.CheckConstraint(condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                                              name="membership_dates")]

    def __str__(self):
        return str(self.organisation)

    def active_on(self, date):
        return self.joined_on <= date and (self.left_on is None or self.left_on >= date)


class Representative(models.Model):
    """A person who speaks for a member organisation in the space."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="representatives")
    name = models.CharField(_("nombre"), max_length=200)
    sex = models.CharField(_("sexo"), max_length=1, choices=Sex.choices)
    role = models.CharField(_("cargo en su organización"), max_length=100, blank=True)
    phone = models.CharField(_("teléfono"), max_length=20, blank=True)
    since = models.DateField(_("desde"))
    until = models.DateField(_("hasta"), null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Meeting(models.Model):
    """A session of the space: planned, then held (with its attendance, minutes and, when it had its
    quorum and was meant to decide, its agreements) or cancelled."""

    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinaria")
        EXTRAORDINARY = "extraordinary", _("Extraordinaria")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Convocada")
        HELD = "held", _("Realizada")
        CANCELLED = "cancelled", _("Suspendida")

    space = models.ForeignKey(Space, on_delete=models.PROTECT, related_name="meetings")
    number = models.PositiveIntegerField(_("número"))
    date = models.DateField(_("fecha"))
    place = models.CharField(_("lugar"), max_length=200)
    kind = models.CharField(_("tipo"), max_length=14, choices=Kind.choices, default=Kind.ORDINARY)
    agenda = models.TextField(_("agenda"))
    status = models.CharField(_("estado"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    decisive = models.BooleanField(_("sesión con acuerdos"), default=False)
    members = models.PositiveSmallIntegerField(_("organizaciones miembro ese día"), null=True, blank=True)
    present = models.PositiveSmallIntegerField(_("organizaciones miembro presentes"), null=True, blank=True)
    quorum_met = models.BooleanField(_("hubo quórum"), null=True, blank=True)
    minutes = models.TextField(_("acta"), blank=True)
    minutes_file = models.FileField(_("acta firmada (archivo)"), upload_to="governance/minutes/%Y/", null=True,
                                    blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-date", "-number"]
        constraints = [models.UniqueConstraint(fields=["space", "number"], name="meeting_unique_number")]

    def __str__(self):
        return _("Sesión %(n)s · %(s)s") % {"n": self.number, "s": self.space}


class Attendance(models.Model):
    """A person present at a meeting, for a member organisation, another organisation or as a guest."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    organisation = models.ForeignKey("people.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("organización"))
    name = models.CharField(_("nombre"), max_length=200)
    sex = models.CharField(_("sexo"), max_length=1, choices=Sex.choices)

    class Meta:
        ordering = ["organisation__name", "name"]


class Photo(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("foto"), upload_to="governance/photos/%Y/")
    caption = models.CharField(_("leyenda"), max_length=200, blank=True)


class Accord(models.Model):
    """An agreement (acuerdo) adopted at a meeting with quorum: what, who answers for it, by when."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pendiente")
        IN_PROGRESS = "in_progress", _("En curso")
        DONE = "done", _("Cumplido")
        DROPPED = "dropped", _("Dejado sin efecto")

    OPEN = (Status.PENDING, Status.IN_PROGRESS)

    space = models.ForeignKey(Space, on_delete=models.PROTECT, related_name="accords")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="accords")
    number = models.PositiveIntegerField(_("número"))
    text = models.TextField(_("acuerdo"))
    responsible = models.ForeignKey("people.Organisation", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("responsable"))
    proposed_by = models.ForeignKey("people.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("propuesto por"))
    due_on = models.DateField(_("plazo"))
    status = models.CharField(_("estado"), max_length=12, choices=Status.choices, default=Status.PENDING)
    closed_on = models.DateField(_("cerrado el"), null=True, blank=True)

    class Meta:
        ordering = ["space", "number"]
        constraints = [models.UniqueConstraint(fields=["space", "number"], name="accord_unique_number")]

    def __str__(self):
        return _("Acuerdo %(n)s") % {"n": self.number}

    def overdue(self, today):
        return self.status in self.OPEN and self.due_on < today


class FollowUp(models.Model):
    """What was done about an agreement, with its evidence; the agreement takes the status it reports."""

    accord = models.ForeignKey(Accord, on_delete=models.CASCADE, related_name="follow_ups")
    date = models.DateField(_("fecha"))
    status = models.CharField(_("estado"), max_length=12, choices=Accord.Status.choices)
    note = models.TextField(_("avance"))
    evidence = models.FileField(_("evidencia (archivo)"), upload_to="governance/evidence/%Y/", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-date", "-pk"]


class DevelopmentPlan(models.Model):
    """The local development plan agreed in a space (plan de desarrollo local concertado): its vision,
    strategic objectives, programmes and actions."""

    space = models.ForeignKey(Space, on_delete=models.PROTECT, related_name="plans", verbose_name=_("mesa"))
    title = models.CharField(_("título"), max_length=200)
    first_year = models.PositiveSmallIntegerField(_("desde el año"))
    last_year = models.PositiveSmallIntegerField(_("hasta el año"))
    vision = models.TextField(_("visión"))
    approved_on = models.DateField(_("aprobado el"), null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-first_year"]
        constraints = [models.CheckConstraint(condition=Q(last_year__gte=models.F("first_year")), name="plan_years")]

    def __str__(self):
        return self.title


class Objective(models.Model):
    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="objectives")
    number = models.PositiveSmallIntegerField(_("número"))
    text = models.CharField(_("objetivo estratégico"), max_length=300)
    indicators = models.ManyToManyField("observatory.Indicator", blank=True, related_name="+",
                                        verbose_name=_("indicadores"))

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="objective_unique_number")]

    def __str__(self):
        return f"{self.number}. {self.text}"


class Programme(models.Model):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="programmes")
    number = models.PositiveSmallIntegerField(_("número"))
    name = models.CharField(_("programa"), max_length=300)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["objective", "number"], name="programme_unique_number")]

    def __str__(self):
        return f"{self.objective.number}.{self.number}. {self.name}"


class Action(models.Model):
    """An action of the plan: who carries it out, with how much and from which source, when, how far
    it is; and what of it Minka already records (works, business plans, PES agreements, trainings)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Programada")
        IN_PROGRESS = "in_progress", _("En ejecución")
        DONE = "done", _("Concluida")
        STALLED = "stalled", _("Paralizada")
        DROPPED = "dropped", _("Desestimada")

    class Funding(models.TextChoices):
        PARTICIPATORY = "participatory", _("Presupuesto participativo")
        MUNICIPAL = "municipal", _("Recursos municipales")
        REGIONAL = "regional", _("Gobierno regional o nacional")
        PROGRAM = "program", _("Programa de cooperación")
        COMMUNITY = "community", _("Aporte comunal (faenas)")
        OTHER = "other", _("Otra fuente")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="actions")
    number = models.PositiveSmallIntegerField(_("número"))
    name = models.CharField(_("acción"), max_length=300)
    responsible = models.ForeignKey("people.Organisation", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("responsable"))
    budget = models.DecimalField(_("presupuesto (S/)"), max_digits=14, decimal_places=2)
    funding = models.CharField(_("fuente de financiamiento"), max_length=14, choices=Funding.choices)
    starts_on = models.DateField(_("inicio"))
    ends_on = models.DateField(_("fin"))
    status = models.CharField(_("estado"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(_("avance (%)"), default=0,
                                                validators=[MinValueValidator(0), MaxValueValidator(100)])
    works = models.ManyToManyField("territory.Infrastructure", blank=True, related_name="+",
                                   verbose_name=_("obras de infraestructura"))
    business_plans = models.ManyToManyField("incentives.Plan", blank=True, related_name="+",
                                            verbose_name=_("planes de negocio"))
    pes_agreements = models.ManyToManyField("incentives.Agreement", blank=True, related_name="+",
                                            verbose_name=_("acuerdos de retribución"))
    trainings = models.ManyToManyField("learning.Training", blank=True, related_name="+",
                                       verbose_name=_("capacitaciones"))

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["programme", "number"], name="action_unique_number"),
                       models.CheckConstraint(condition=Q(budget__gte=0), name="action_budget"),
                       models.CheckConstraint(condition=Q(progress__lte=100), name="action_progress"),
                       models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="action_dates")]

    def __str__(self):
        return self.name


class ActionUpdate(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(_("fecha"))
    progress = models.PositiveSmallIntegerField(_("avance (%)"))
    status = models.CharField(_("estado"), max_length=12, choices=Action.Status.choices)
    note = models.TextField(_("qué se hizo"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-date", "-pk"]


class Program(models.Model):
    """A program reported to its funders (D'Ausangate, Ecocuenca): its axes, budget lines and expenses."""

    code = models.SlugField(_("código"), max_length=40, unique=True)
    name = models.CharField(_("nombre"), max_length=200)
    funder = models.CharField(_("financiador"), max_length=200, blank=True)
    territory = models.ForeignKey("territory.Territory", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("ámbito"))
    starts_on = models.DateField(_("inicio"))
    ends_on = models.DateField(_("fin"))
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("programa")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Axis(models.Model):
    """An axis of intervention of a program, with the observatory's indicators it answers for."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="axes")
    number = models.PositiveSmallIntegerField(_("número"))
    name = models.CharField(_("eje"), max_length=200)
    indicators = models.ManyToManyField("observatory.Indicator", blank=True, related_name="+",
                                        verbose_name=_("indicadores"))

    class Meta:
        verbose_name = _("eje")
        ordering = ["program", "number"]
        constraints = [models.UniqueConstraint(fields=["program", "number"], name="axis_unique_number")]

    def __str__(self):
        return f"{self.number}. {self.name}"


class BudgetLine(models.Model):
    """What a program plans to spend on an axis in a year, in euros; a closed line takes no expense."""

    axis = models.ForeignKey(Axis, on_delete=models.PROTECT, related_name="lines")
    year = models.PositiveSmallIntegerField(_("año"))
    label = models.CharField(_("rubro"), max_length=200)
    amount = models.DecimalField(_("presupuesto (EUR)"), max_digits=14, decimal_places=2)
    closed = models.BooleanField(_("cerrada"), default=False)

    class Meta:
        verbose_name = _("línea presupuestal")
        ordering = ["axis", "year", "label"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_amount")]

    def __str__(self):
        return f"{self.year} · {self.label}"


class Expense(models.Model):
    """Money spent on a budget line, in soles or euros; its value in euros at the rate recorded for
    its date is kept with the rate."""

    class Currency(models.TextChoices):
        PEN = "PEN", _("Soles (PEN)")
        EUR = "EUR", _("Euros (EUR)")

    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="expenses",
                             verbose_name=_("línea presupuestal"))
    date = models.DateField(_("fecha"))
    description = models.CharField(_("descripción"), max_length=200)
    amount = models.DecimalField(_("monto"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("moneda"), max_length=3, choices=Currency.choices)
    rate = models.DecimalField(_("soles por euro"), max_digits=12, decimal_places=6, null=True, blank=True)
    amount_eur = models.DecimalField(_("monto (EUR)"), max_digits=14, decimal_places=2)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("gasto")
        ordering = ["-date", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="expense_positive")]
