"""Incentives for the watershed (seed 003, axis iii). This module holds the eco-compatible business
plan calls: a call with its budget, dates, eligibility rules and scoring grid as data; the
applications with their plan and the eligibility found; the evaluations, each with its evaluator's
declaration of no conflict of interest and a score per criterion; the award, in rank order within the
budget. Nothing is edited after the fact: a call's grid is fixed once published, an evaluation once
submitted."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minka.core.models import TranslatedName
from minka.people.models import Party, one_party

MONEY = {"max_digits": 14, "decimal_places": 2}
PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class ApplicantKind(models.TextChoices):
    FAMILY = "family", _("Familia (empresa familiar)")
    ASSOCIATION = "association", _("Asociación de productores")
    COMMUNITY = "community", _("Comunidad campesina")


class Call(models.Model):
    """A call for eco-compatible business plans: who may apply, where, until when, with how much
    co-financing, how plans are scored and how much there is to award."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("En preparación")
        PUBLISHED = "published", _("Publicada")
        AWARDED = "awarded", _("Adjudicada")

    code = models.SlugField(_("código"), max_length=40, unique=True)
    title = models.CharField(_("título"), max_length=200)
    description = models.TextField(_("bases"), blank=True)
    territory = models.ForeignKey("territory.Territory", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("ámbito"))
    budget = models.DecimalField(_("presupuesto (S/)"), **MONEY)
    opens_on = models.DateField(_("abre el"))
    closes_on = models.DateField(_("cierra el"), help_text=_("Último día para presentar un plan."))
    applicant_kinds = models.JSONField(_("quiénes pueden postular"), default=list,
                                       help_text=_("Entre: family, association, community."))
    min_cofinancing = models.DecimalField(_("cofinanciamiento mínimo (porcentaje de la inversión)"), max_digits=5,
                                          decimal_places=2, default=Decimal("0"), validators=PERCENT)
    max_award = models.DecimalField(_("monto máximo por plan (S/)"), null=True, blank=True, **MONEY)
    scale = models.PositiveSmallIntegerField(_("escala de puntaje (0 a …)"), default=5)
    evaluators_required = models.PositiveSmallIntegerField(_("evaluaciones por plan"), default=2)
    spread_alert = models.DecimalField(_("alerta de dispersión (puntos sobre 100)"), max_digits=5,
                                       decimal_places=2, default=Decimal("20"),
                                       help_text=_("Se marca un plan cuyos evaluadores difieren en más que esto."))
    min_score = models.DecimalField(_("puntaje mínimo para ganar (sobre 100)"), max_digits=5, decimal_places=2,
                                    default=Decimal("60"), validators=PERCENT)
    status = models.CharField(_("estado"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_on = models.DateField(_("publicada el"), null=True, blank=True)
    awarded_on = models.DateField(_("adjudicada el"), null=True, blank=True)
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("concurso de planes de negocio")
        verbose_name_plural = _("concursos de planes de negocio")
        ordering = ["-opens_on", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gt=0) & Q(scale__gt=0) & Q(evaluators_required__gt=0),
                                   name="call_positive"),
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="call_dates_in_order"),
        ]

    def __str__(self):
        return self.title


class Criterion(TranslatedName):
    """A line of the call's scoring grid, with its weight (the weights of a call add up to 100)."""

    class Group(models.TextChoices):
        WATER = "water", _("Eco-compatibilidad: agua")
        SOIL = "soil", _("Eco-compatibilidad: suelo")
        BIODIVERSITY = "biodiversity", _("Eco-compatibilidad: biodiversidad")
        WASTE = "waste", _("Eco-compatibilidad: residuos")
        VIABILITY = "viability", _("Viabilidad económica")
        INCLUSION = "inclusion", _("Inclusión de mujeres y jóvenes")
        INNOVATION = "innovation", _("Innovación")

    ECO = (Group.WATER, Group.SOIL, Group.BIODIVERSITY, Group.WASTE)

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    group = models.CharField(_("grupo"), max_length=12, choices=Group.choices)
    weight = models.DecimalField(_("peso (%)"), max_digits=5, decimal_places=2, validators=PERCENT)
    guidance = models.TextField(_("qué se mira"), blank=True)
    order = models.PositiveSmallIntegerField(_("orden"), default=0)

    class Meta:
        verbose_name = _("criterio")
        verbose_name_plural = _("criterios")
        ordering = ["call", "order", "pk"]
        constraints = [models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive")]


class Plan(Party):
    """An application to a call: who applies, the plan (activity, investment, co-financing, expected
    income and jobs, environmental measures, risks), the eligibility found when it was filed, and
    where it stands."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Presentado")
        INELIGIBLE = "ineligible", _("No elegible")
        AWARDED = "awarded", _("Ganador")
        NOT_AWARDED = "not_awarded", _("No ganador")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="plans")
    number = models.PositiveIntegerField(_("número"))
    applicant_kind = models.CharField(_("tipo de postulante"), max_length=12, choices=ApplicantKind.choices)
    title = models.CharField(_("nombre del plan"), max_length=200)
    activity = models.TextField(_("actividad"))
    investment = models.DecimalField(_("inversión total (S/)"), **MONEY)
    cofinancing = models.DecimalField(_("cofinanciamiento propio (S/)"), **MONEY)
    requested = models.DecimalField(_("monto solicitado (S/)"), **MONEY)
    expected_income = models.DecimalField(_("ingreso anual esperado (S/)"), default=Decimal("0"), **MONEY)
    expected_jobs = models.PositiveSmallIntegerField(_("empleos esperados"), default=0)
    women_share = models.DecimalField(_("participación de mujeres (%)"), max_digits=5, decimal_places=2,
                                      default=Decimal("0"), validators=PERCENT)
    environmental_measures = models.TextField(_("medidas ambientales"))
    risks = models.TextField(_("riesgos y cómo se enfrentan"), blank=True)
    submitted_on = models.DateField(_("presentado el"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    eligible = models.BooleanField(_("elegible"))
    reasons = models.JSONField(_("motivos de no elegibilidad"), default=list, blank=True)
    status = models.CharField(_("estado"), max_length=12, choices=Status.choices)
    score = models.DecimalField(_("puntaje (sobre 100)"), max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("puesto"), null=True, blank=True)
    awarded = models.DecimalField(_("monto adjudicado (S/)"), null=True, blank=True, **MONEY)

    class Meta:
        verbose_name = _("plan de negocio")
        verbose_name_plural = _("planes de negocio")
        ordering = ["call", "number"]
        constraints = [
            models.UniqueConstraint(fields=["call", "number"], name="plan_unique_number"),
            one_party("plan_one_applicant"),
            models.CheckConstraint(condition=Q(investment__gt=0) & Q(cofinancing__gte=0) & Q(requested__gt=0),
                                   name="plan_amounts_positive"),
        ]

    def __str__(self):
        return _("Plan %(n)s · %(t)s") % {"n": self.number, "t": self.title}

    @property
    def applicant(self):
        return self.party


class Attachment(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="attachments")
    label = models.CharField(_("descripción"), max_length=120)
    file = models.FileField(_("archivo"), upload_to="incentives/plans/%Y/")
    added_on = models.DateTimeField(auto_now_add=True)


class Evaluation(models.Model):
    """One evaluator's reading of a plan: first the declaration (no conflict of interest, or a
    conflict and the evaluator steps aside), then a score per criterion with a comment."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="evaluations")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("evaluador(a)"))
    no_conflict = models.BooleanField(_("declara no tener conflicto de interés"))
    declared_on = models.DateField(_("declarado el"))
    conflict_note = models.CharField(_("conflicto declarado"), max_length=200, blank=True)
    comment = models.TextField(_("comentario general"), blank=True)
    submitted_on = models.DateField(_("enviado el"), null=True, blank=True)
    total = models.DecimalField(_("puntaje (sobre 100)"), max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("evaluación")
        verbose_name_plural = _("evaluaciones")
        constraints = [models.UniqueConstraint(fields=["plan", "evaluator"], name="evaluation_once_per_evaluator")]


class Score(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("puntaje"), max_digits=4, decimal_places=1)
    comment = models.CharField(_("comentario"), max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["evaluation", "criterion"], name="score_once_per_criterion"),
                       models.CheckConstraint(condition=Q(value__gte=0), name="score_not_negative")]


class Visit(models.Model):
    """A monitoring visit to an awarded plan: how it goes, whether the milestone of its next tranche
    is met, and the results seen (income, jobs, environmental measures in place)."""

    class Progress(models.TextChoices):
        ON_TRACK = "on_track", _("Avanza según el plan")
        DELAYED = "delayed", _("Con retraso")
        AT_RISK = "at_risk", _("En riesgo")
        ABANDONED = "abandoned", _("Abandonado")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="visits")
    date = models.DateField(_("fecha"))
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("quién visitó"))
    progress = models.CharField(_("avance"), max_length=10, choices=Progress.choices)
    milestone_met = models.BooleanField(_("se cumplió el hito del próximo tramo"), default=False)
    income = models.DecimalField(_("ingreso anual observado (S/)"), null=True, blank=True, **MONEY)
    jobs = models.PositiveSmallIntegerField(_("empleos"), null=True, blank=True)
    measures_in_place = models.DecimalField(_("medidas ambientales en marcha (%)"), max_digits=5, decimal_places=2,
                                            null=True, blank=True, validators=PERCENT)
    notes = models.TextField(_("observaciones"), blank=True)

    class Meta:
        verbose_name = _("visita de seguimiento")
        verbose_name_plural = _("visitas de seguimiento")
        ordering = ["plan", "date", "pk"]


class Tranche(models.Model):
    """A part of an award, paid when its milestone is verified by a visit (the first on signing)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Por desembolsar")
        RELEASED = "released", _("Desembolsado")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="tranches")
    number = models.PositiveSmallIntegerField(_("tramo"))
    amount = models.DecimalField(_("monto (S/)"), **MONEY)
    milestone = models.CharField(_("hito"), max_length=200)
    due_on = models.DateField(_("previsto para"))
    status = models.CharField(_("estado"), max_length=10, choices=Status.choices, default=Status.PENDING)
    released_on = models.DateField(_("desembolsado el"), null=True, blank=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    verified_by = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("visita que verificó el hito"))

    class Meta:
        verbose_name = _("tramo")
        verbose_name_plural = _("tramos")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="tranche_unique_number"),
                       models.CheckConstraint(condition=Q(amount__gt=0), name="tranche_positive")]


# Payment for ecosystem services (PES; in Peru, MERESE, law 30215) ---------------------------------------

class Scheme(models.Model):
    """A PES scheme in a watershed: those who benefit from a service pay, through the scheme's fund
    (its own book), those who conserve it, for actions verified."""

    class Service(models.TextChoices):
        WATER = "water", _("Regulación hídrica")
        EROSION = "erosion", _("Control de la erosión")
        BIODIVERSITY = "biodiversity", _("Biodiversidad")
        CARBON = "carbon", _("Captura de carbono")
        LANDSCAPE = "landscape", _("Belleza paisajística")

    code = models.SlugField(_("código"), max_length=40, unique=True)
    name = models.CharField(_("nombre"), max_length=200)
    service = models.CharField(_("servicio ecosistémico"), max_length=12, choices=Service.choices)
    watershed = models.ForeignKey("territory.Watershed", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("cuenca"))
    territory = models.ForeignKey("territory.Territory", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("ámbito administrativo"),
                                  help_text=_("Quién lo administra y quién lo ve: el distrito o la provincia."))
    book = models.OneToOneField("books.Book", on_delete=models.PROTECT, related_name="scheme",
                                verbose_name=_("libro del fondo"))
    description = models.TextField(_("descripción"), blank=True)
    pay_within = models.PositiveSmallIntegerField(
        _("plazo para pagar (días)"), default=30,
        help_text=_("Días después de la verificación en que la retribución debe estar pagada."))
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("mecanismo de retribución (MERESE)")
        verbose_name_plural = _("mecanismos de retribución (MERESE)")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Contributor(models.Model):
    """Who pays into the scheme (a water utility, a municipality, the users) and what they committed."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="contributors")
    organisation = models.ForeignKey("people.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("contribuyente"))
    yearly_amount = models.DecimalField(_("aporte anual comprometido (S/)"), null=True, blank=True, **MONEY)
    tariff_share = models.DecimalField(_("parte de la tarifa (%)"), max_digits=5, decimal_places=2, null=True,
                                       blank=True, validators=PERCENT)

    class Meta:
        verbose_name = _("contribuyente")
        verbose_name_plural = _("contribuyentes")
        constraints = [models.UniqueConstraint(fields=["scheme", "organisation"], name="contributor_once")]

    def __str__(self):
        return str(self.organisation)


class Contribution(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="contributions")
    contributor = models.ForeignKey(Contributor, on_delete=models.PROTECT, related_name="contributions")
    date = models.DateField(_("fecha"))
    amount = models.DecimalField(_("monto (S/)"), **MONEY)
    entry = models.OneToOneField("books.Entry", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["scheme", "date", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="pes_contribution_positive")]


class Agreement(Party):
    """An agreement with those who act (a community, an association, a family): the areas concerned
    (GeoJSON), the actions committed with their quantities and what each pays per period when fully
    carried out."""

    class Payment(models.TextChoices):
        CASH = "cash", _("En efectivo")
        IN_KIND = "in_kind", _("En especie (valorizado)")

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="agreements")
    number = models.PositiveIntegerField(_("número"))
    signed_on = models.DateField(_("firmado el"))
    starts_on = models.DateField(_("desde"))
    ends_on = models.DateField(_("hasta"))
    area = models.JSONField(_("áreas (GeoJSON)"))
    hectares = models.DecimalField(_("hectáreas"), max_digits=10, decimal_places=2)
    payment_kind = models.CharField(_("forma de retribución"), max_length=8, choices=Payment.choices,
                                    default=Payment.CASH)

    class Meta:
        verbose_name = _("acuerdo de retribución")
        verbose_name_plural = _("acuerdos de retribución")
        ordering = ["scheme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "number"], name="agreement_unique_number"),
            one_party("agreement_one_recipient"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="agreement_dates"),
        ]

    def __str__(self):
        return _("Acuerdo %(n)s · %(r)s") % {"n": self.number, "r": self.recipient}

    @property
    def recipient(self):
        return self.party


class Commitment(models.Model):
    class Action(models.TextChoices):
        PROTECT = "protect", _("Áreas protegidas (ha)")
        TREES = "trees", _("Árboles nativos plantados")
        ROTATION = "rotation", _("Pastos en rotación (ha)")
        QOCHAS = "qochas", _("Qochas restauradas")
        OTHER = "other", _("Otra acción")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="commitments")
    action = models.CharField(_("acción"), max_length=10, choices=Action.choices)
    description = models.CharField(_("descripción"), max_length=200)
    quantity = models.DecimalField(_("cantidad comprometida"), max_digits=10, decimal_places=2)
    unit = models.CharField(_("unidad"), max_length=20)
    payment = models.DecimalField(_("retribución por periodo si se cumple (S/)"), **MONEY)

    class Meta:
        verbose_name = _("compromiso")
        verbose_name_plural = _("compromisos")
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0) & Q(payment__gte=0),
                                              name="commitment_positive")]


class Verification(models.Model):
    """A verifier's visit for a period of an agreement: each committed action graded (full, partial
    with its percentage, none) with its evidence; the payment due follows from it alone."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="verifications")
    period = models.PositiveSmallIntegerField(_("año verificado"))
    date = models.DateField(_("fecha de la visita"))
    verifier = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("verificador(a)"))
    points = models.JSONField(_("puntos GPS (GeoJSON)"), null=True, blank=True)
    notes = models.TextField(_("observaciones"), blank=True)
    due = models.DecimalField(_("retribución que corresponde (S/)"), **MONEY)

    class Meta:
        verbose_name = _("verificación")
        verbose_name_plural = _("verificaciones")
        ordering = ["agreement", "period"]
        constraints = [models.UniqueConstraint(fields=["agreement", "period"], name="verification_once_per_period")]


class Compliance(models.Model):
    class Grade(models.TextChoices):
        FULL = "full", _("Cumplido")
        PARTIAL = "partial", _("Cumplido en parte")
        NONE = "none", _("No cumplido")

    verification = models.ForeignKey(Verification, on_delete=models.CASCADE, related_name="grades")
    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(_("cumplimiento"), max_length=8, choices=Grade.choices)
    percent = models.DecimalField(_("porcentaje cumplido"), max_digits=5, decimal_places=2, validators=PERCENT)
    evidence = models.CharField(_("evidencia"), max_length=300, blank=True)
    point = models.JSONField(_("punto GPS (GeoJSON)"), null=True, blank=True)
    photo = models.FileField(_("foto"), upload_to="incentives/verifications/%Y/", null=True, blank=True)
    due = models.DecimalField(_("retribución (S/)"), **MONEY)


class PesPayment(models.Model):
    """What a verification makes due, approved, then paid from the scheme's fund."""

    class Status(models.TextChoices):
        APPROVED = "approved", _("Aprobado, por pagar")
        PAID = "paid", _("Pagado")

    verification = models.OneToOneField(Verification, on_delete=models.PROTECT, related_name="payment")
    amount = models.DecimalField(_("monto (S/)"), **MONEY)
    status = models.CharField(_("estado"), max_length=8, choices=Status.choices, default=Status.APPROVED)
    approved_on = models.DateField(_("aprobado el"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approval_entry = models.OneToOneField("books.Entry", on_delete=models.PROTECT, related_name="+")
    paid_on = models.DateField(_("pagado el"), null=True, blank=True)
    payment_entry = models.OneToOneField("books.Entry", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+")

    class Meta:
        verbose_name = _("pago por servicios ecosistémicos")
        verbose_name_plural = _("pagos por servicios ecosistémicos")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="pespayment_positive")]
