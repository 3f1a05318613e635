"""The innovation and guarantee fund (seed 000): the capital it receives, split between a loan pool
and a guarantee pool; loan products as data; applications, committee decisions, loans with their
schedules, repayments, arrears, write-offs and reschedulings; guarantee agreements with partner
lenders. Every money movement is a journal entry in the fund's book (`minka.books`), in the same
transaction; nothing is edited: a correction is a reversal."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from minka.core.models import TranslatedName
from minka.people.models import Party, one_party

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")


class Fund(models.Model):
    """A fund with its own books and scope. Enterprises named here have agreed that their members'
    surplus refunds may repay the members' loans."""

    code = models.SlugField(_("código"), max_length=32, unique=True)
    name = models.CharField(_("nombre"), max_length=200)
    book = models.OneToOneField("books.Book", on_delete=models.PROTECT, related_name="fund",
                                verbose_name=_("libro contable"))
    offset_enterprises = models.ManyToManyField("market.Enterprise", blank=True, related_name="+",
                                                verbose_name=_("empresas que pagan con excedentes"))
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("fondo")
        verbose_name_plural = _("fondos")

    def __str__(self):
        return self.name

    @property
    def territory(self):
        return self.book.territory


class Grant(models.Model):
    """Capital received from a donor, in PEN or EUR; EUR is recorded in PEN at the day's rate, and the
    rate is kept with the journal entry. It is split between the two pools."""

    class Currency(models.TextChoices):
        PEN = "PEN", "PEN (S/)"
        EUR = "EUR", "EUR (€)"

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="grants")
    date = models.DateField(_("fecha"))
    donor = models.CharField(_("donante"), max_length=200)
    currency = models.CharField(_("moneda"), max_length=3, choices=Currency.choices, default=Currency.PEN)
    amount = models.DecimalField(_("monto recibido"), **MONEY)
    rate = models.DecimalField(_("tipo de cambio (S/ por unidad)"), max_digits=12, decimal_places=6,
                               default=Decimal("1"))
    amount_pen = models.DecimalField(_("monto en soles"), **MONEY)
    loan_pool = models.DecimalField(_("al fondo de préstamos"), **MONEY)
    guarantee_pool = models.DecimalField(_("al fondo de garantía"), **MONEY)
    entry = models.OneToOneField("books.Entry", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("aporte de capital")
        verbose_name_plural = _("aportes de capital")
        ordering = ["date", "pk"]
        constraints = [
            # (that the two pools add up to the amount is checked by the service: SQLite compares sums of
            # decimals as floating point numbers)
            models.CheckConstraint(condition=Q(amount__gt=0) & Q(rate__gt=0) & Q(loan_pool__gte=0)
                                   & Q(guarantee_pool__gte=0), name="grant_positive"),
        ]


class Innovation(TranslatedName):
    """What a loan pays for: milking equipment, an improved guinea pig shed, a solar dryer …"""

    code = models.SlugField(_("código"), max_length=40, unique=True)
    chain = models.ForeignKey("people.ValueChain", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("cadena de valor"))

    class Meta:
        verbose_name = _("innovación")
        verbose_name_plural = _("innovaciones")
        ordering = ["name"]


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Mensual")
    SEASONAL = "seasonal", _("Estacional (meses elegidos)")


class Method(models.TextChoices):
    EQUAL_INSTALMENTS = "equal_instalments", _("Cuotas iguales")
    EQUAL_PRINCIPAL = "equal_principal", _("Amortización constante")
    FLAT = "flat", _("Interés flat (sobre el monto inicial)")
    BULLET = "bullet", _("Capital al vencimiento (cosecha)")


class Grace(models.TextChoices):
    INTEREST = "interest", _("Solo se pagan intereses")
    FULL = "full", _("Total: no se paga nada (intereses diferidos)")


class LoanProduct(models.Model):
    """A kind of loan the fund offers, as data: amounts, rate (TEA), term, when instalments fall, how
    principal is repaid, grace, moratorium months and fees."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="products")
    code = models.SlugField(_("código"), max_length=40)
    name = models.CharField(_("nombre"), max_length=120)
    min_amount = models.DecimalField(_("monto mínimo"), **MONEY)
    max_amount = models.DecimalField(_("monto máximo"), **MONEY)
    tea = models.DecimalField(_("TEA (%)"), max_digits=7, decimal_places=4,
                              help_text=_("Tasa efectiva anual, año de 360 días."))
    penalty_tea = models.DecimalField(_("TEA moratoria (%)"), max_digits=7, decimal_places=4, default=Decimal("0"),
                                      help_text=_("Sobre el capital vencido, por los días de atraso."))
    min_term = models.PositiveSmallIntegerField(_("plazo mínimo (meses)"))
    max_term = models.PositiveSmallIntegerField(_("plazo máximo (meses)"))
    frequency = models.CharField(_("frecuencia"), max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY)
    due_months = models.JSONField(_("meses de pago"), default=list, blank=True,
                                  help_text=_("Para pagos estacionales: números de mes, p. ej. [5, 6]."))
    method = models.CharField(_("método"), max_length=20, choices=Method.choices, default=Method.EQUAL_INSTALMENTS)
    grace_periods = models.PositiveSmallIntegerField(_("cuotas de gracia"), default=0)
    grace_kind = models.CharField(_("tipo de gracia"), max_length=10, choices=Grace.choices, default=Grace.INTEREST)
    moratorium_months = models.JSONField(_("meses sin pago de capital"), default=list, blank=True,
                                         help_text=_("Meses antes de la cosecha, p. ej. [12, 1, 2]."))
    upfront_fee_percent = models.DecimalField(_("comisión de desembolso (%)"), max_digits=5, decimal_places=2,
                                              default=Decimal("0"), validators=PERCENT)
    instalment_fee = models.DecimalField(_("comisión por cuota (S/)"), default=ZERO, **MONEY)
    active = models.BooleanField(_("vigente"), default=True)

    class Meta:
        verbose_name = _("producto de crédito")
        verbose_name_plural = _("productos de crédito")
        ordering = ["fund", "name"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "code"], name="loanproduct_unique_code"),
            models.CheckConstraint(condition=Q(min_amount__gt=0) & Q(max_amount__gte=F("min_amount"))
                                   & Q(tea__gt=0) & Q(penalty_tea__gte=0) & Q(min_term__gt=0)
                                   & Q(max_term__gte=F("min_term")) & Q(instalment_fee__gte=0),
                                   name="loanproduct_sane_terms"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.tea is not None and self.tea <= 0:
            errors["tea"] = _("La tasa efectiva anual debe ser mayor que cero.")
        if self.penalty_tea is not None and self.penalty_tea < 0:
            errors["penalty_tea"] = _("La tasa moratoria no puede ser negativa.")
        if self.min_amount is not None and self.min_amount <= 0:
            errors["min_amount"] = _("El monto mínimo debe ser mayor que cero.")
        if self.min_amount is not None and self.max_amount is not None and self.max_amount < self.min_amount:
            errors["max_amount"] = _("El monto máximo no puede ser menor que el mínimo.")
        if not self.min_term:
            errors["min_term"] = _("El plazo debe ser de al menos un mes.")
        elif self.max_term is not None and self.max_term < self.min_term:
            errors["max_term"] = _("El plazo máximo no puede ser menor que el mínimo.")
        for name in ("due_months", "moratorium_months"):
            months = getattr(self, name)
            if not isinstance(months, list) or any(not isinstance(m, int) or not 1 <= m <= 12 for m in months):
                errors[name] = _("Indique meses del 1 al 12, p. ej. [5, 6].")
        if self.frequency == Frequency.SEASONAL and not self.due_months:
            errors["due_months"] = _("Un producto estacional necesita sus meses de pago.")
        if (isinstance(self.moratorium_months, list) and len(set(self.moratorium_months)) == 12):
            errors["moratorium_months"] = _("Una moratoria de todo el año no deja cuándo pagar el capital.")
        if errors:
            raise ValidationError(errors)


class Borrower(Party):
    """A family's or an organisation's: the borrower, and the place that decides who may see it."""

    class Meta:
        abstract = True

    @property
    def borrower(self):
        return self.party


class Application(Borrower):
    """A request for a loan: for which innovation and plan, how much and for how long, the capacity
    check made from the family's recorded income, the checklist, and where it stands."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("En evaluación")
        APPROVED = "approved", _("Aprobada")
        REJECTED = "rejected", _("Rechazada")
        DISBURSED = "disbursed", _("Desembolsada")
        WITHDRAWN = "withdrawn", _("Retirada")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="applications")
    number = models.PositiveIntegerField(_("número"))
    product = models.ForeignKey(LoanProduct, on_delete=models.PROTECT, related_name="applications",
                                verbose_name=_("producto"))
    innovation = models.ForeignKey(Innovation, on_delete=models.PROTECT, related_name="applications",
                                   verbose_name=_("innovación"))
    chain = models.ForeignKey("people.ValueChain", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("cadena de valor"), help_text=_("La cadena que la inversión fortalece."))
    plan = models.TextField(_("plan de inversión"))
    investment = models.DecimalField(_("costo total de la inversión"), **MONEY)
    own_contribution = models.DecimalField(_("aporte propio"), default=ZERO, **MONEY)
    amount = models.DecimalField(_("monto solicitado"), **MONEY)
    term_months = models.PositiveSmallIntegerField(_("plazo (meses)"))
    submitted_on = models.DateField(_("fecha de solicitud"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("estado"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    capacity = models.JSONField(_("capacidad de pago"), default=dict)
    checklist = models.JSONField(_("lista de verificación"), default=dict)

    class Meta:
        verbose_name = _("solicitud de crédito")
        verbose_name_plural = _("solicitudes de crédito")
        ordering = ["-submitted_on", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "number"], name="application_unique_number"),
            one_party("application_one_borrower"),
            models.CheckConstraint(condition=Q(amount__gt=0) & Q(term_months__gt=0) & Q(own_contribution__gte=0),
                                   name="application_positive"),
        ]

    def __str__(self):
        return _("Solicitud %(n)s · %(b)s") % {"n": self.number, "b": self.borrower}


class Decision(models.Model):
    """The committee's decision on an application, with who was present, the minutes and the
    conditions; a reduction approves less (or for another term) than was asked."""

    class Outcome(models.TextChoices):
        APPROVE = "approve", _("Aprobar")
        REDUCE = "reduce", _("Aprobar con monto o plazo reducido")
        REJECT = "reject", _("Rechazar")

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="decision")
    date = models.DateField(_("fecha"))
    outcome = models.CharField(_("decisión"), max_length=8, choices=Outcome.choices)
    amount = models.DecimalField(_("monto aprobado"), null=True, blank=True, **MONEY)
    term_months = models.PositiveSmallIntegerField(_("plazo aprobado (meses)"), null=True, blank=True)
    members = models.TextField(_("miembros presentes"), help_text=_("Uno por línea."))
    minutes = models.TextField(_("acta"))
    conditions = models.TextField(_("condiciones"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("decisión del comité")
        verbose_name_plural = _("decisiones del comité")

    @property
    def member_list(self):
        return [line.strip() for line in self.members.splitlines() if line.strip()]


class Loan(Borrower):
    """A disbursed loan. Its terms are copied from the product and the decision when it is disbursed,
    so that changing a product never changes a running loan."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Vigente")
        CLOSED = "closed", _("Cancelado")
        WRITTEN_OFF = "written_off", _("Castigado")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="loans")
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="loan")
    number = models.CharField(_("número"), max_length=20)
    product = models.ForeignKey(LoanProduct, on_delete=models.PROTECT, related_name="loans")
    chain = models.ForeignKey("people.ValueChain", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("cadena de valor"))
    amount = models.DecimalField(_("monto desembolsado"), **MONEY)
    outstanding = models.DecimalField(_("saldo de capital"), **MONEY)
    upfront_fee = models.DecimalField(_("comisión de desembolso"), default=ZERO, **MONEY)
    tea = models.DecimalField(_("TEA (%)"), max_digits=7, decimal_places=4)
    penalty_tea = models.DecimalField(_("TEA moratoria (%)"), max_digits=7, decimal_places=4)
    tcea = models.DecimalField(_("TCEA (%)"), max_digits=9, decimal_places=4)
    method = models.CharField(_("método"), max_length=20, choices=Method.choices)
    disbursed_on = models.DateField(_("desembolsado el"))
    status = models.CharField(_("estado"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    closed_on = models.DateField(_("cancelado el"), null=True, blank=True)
    write_off_reason = models.TextField(_("motivo del castigo"), blank=True)
    entry = models.OneToOneField("books.Entry", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("préstamo")
        verbose_name_plural = _("préstamos")
        ordering = ["-disbursed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "number"], name="loan_unique_number"),
            one_party("loan_one_borrower"),
            models.CheckConstraint(condition=Q(amount__gt=0) & Q(tea__gt=0) & Q(outstanding__gte=0)
                                   & Q(outstanding__lte=F("amount")), name="loan_positive"),
        ]
        indexes = [models.Index(fields=["fund", "status"], name="loan_fund_status")]

    def __str__(self):
        return _("Préstamo %(n)s · %(b)s") % {"n": self.number, "b": self.borrower}


class Schedule(models.Model):
    """One version of a loan's schedule. A prepayment or a rescheduling replaces the unpaid part with
    a new version; the old ones stay, for the history."""

    class Reason(models.TextChoices):
        ORIGINAL = "original", _("Cronograma original")
        PREPAYMENT = "prepayment", _("Pago anticipado")
        RESCHEDULING = "rescheduling", _("Reprogramación")

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="schedules")
    version = models.PositiveSmallIntegerField()
    reason = models.CharField(_("motivo"), max_length=12, choices=Reason.choices)
    note = models.TextField(_("observación"), blank=True)
    made_on = models.DateField(_("fecha"))
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["loan", "version"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "version"], name="schedule_unique_version"),
            models.UniqueConstraint(fields=["loan"], condition=Q(active=True), name="schedule_one_active"),
        ]


class Instalment(models.Model):
    """What is due on a date, and what has been paid of it. Penalty interest is charged when a late
    instalment is paid (on the principal overdue, for the days late)."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="instalments")
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="instalments")
    number = models.PositiveSmallIntegerField(_("cuota"))
    due_date = models.DateField(_("vence"))
    principal = models.DecimalField(_("capital"), **MONEY)
    interest = models.DecimalField(_("interés"), **MONEY)
    fee = models.DecimalField(_("comisión"), default=ZERO, **MONEY)
    paid_principal = models.DecimalField(default=ZERO, **MONEY)
    paid_interest = models.DecimalField(default=ZERO, **MONEY)
    paid_fee = models.DecimalField(default=ZERO, **MONEY)
    penalty = models.DecimalField(_("interés moratorio"), default=ZERO, **MONEY)
    penalty_since = models.DateField(null=True, blank=True)  # penalty charged up to this date
    paid_penalty = models.DecimalField(default=ZERO, **MONEY)
    settled_on = models.DateField(_("pagada el"), null=True, blank=True)

    class Meta:
        ordering = ["loan", "due_date", "number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(principal__gte=0) & Q(interest__gte=0) & Q(fee__gte=0) & Q(paid_penalty__gte=0)
                & Q(paid_principal__gte=0) & Q(paid_principal__lte=F("principal"))
                & Q(paid_interest__gte=0) & Q(paid_interest__lte=F("interest"))
                & Q(paid_fee__gte=0) & Q(paid_fee__lte=F("fee")) & Q(paid_penalty__lte=F("penalty")),
                name="instalment_paid_within_due"),
        ]
        indexes = [models.Index(fields=["loan", "due_date"], name="instalment_loan_due"),
                   models.Index(fields=["due_date"], condition=Q(settled_on__isnull=True),
                                name="instalment_unsettled_due")]

    @property
    def due(self):
        return self.principal + self.interest + self.fee

    @property
    def paid(self):
        return self.paid_principal + self.paid_interest + self.paid_fee

    @property
    def owed(self):
        return self.due - self.paid


class Repayment(models.Model):
    """Money received for a loan, as allocated: fees, then penalty interest, then interest, then
    principal, oldest instalment first; what is left prepays principal. A reversal is a repayment
    with the opposite sign that undoes exactly the same allocation."""

    class Method(models.TextChoices):
        CASH = "cash", _("Efectivo")
        TRANSFER = "transfer", _("Depósito o transferencia")
        REFUND = "refund", _("Excedentes de la empresa")

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="repayments")
    number = models.PositiveIntegerField(_("recibo"))
    date = models.DateField(_("fecha"))
    amount = models.DecimalField(_("monto"), **MONEY)
    method = models.CharField(_("forma de pago"), max_length=10, choices=Method.choices, default=Method.CASH)
    enterprise = models.ForeignKey("market.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("empresa"))
    fee = models.DecimalField(default=ZERO, **MONEY)
    penalty = models.DecimalField(default=ZERO, **MONEY)
    interest = models.DecimalField(default=ZERO, **MONEY)
    principal = models.DecimalField(default=ZERO, **MONEY)
    # The version of the schedule a prepayment made (a reversal brings the one before back).
    schedule = models.OneToOneField(Schedule, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    entry = models.OneToOneField("books.Entry", on_delete=models.PROTECT, related_name="+")
    offset_entry = models.OneToOneField("books.Entry", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversed_by")
    reason = models.CharField(_("motivo"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pago")
        verbose_name_plural = _("pagos")
        ordering = ["loan", "date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "number"], name="repayment_unique_number"),
        ]


class Allocation(models.Model):
    """The part of a repayment that went to one instalment."""

    repayment = models.ForeignKey(Repayment, on_delete=models.CASCADE, related_name="allocations")
    instalment = models.ForeignKey(Instalment, on_delete=models.PROTECT, related_name="allocations")
    fee = models.DecimalField(default=ZERO, **MONEY)
    penalty = models.DecimalField(default=ZERO, **MONEY)
    interest = models.DecimalField(default=ZERO, **MONEY)
    principal = models.DecimalField(default=ZERO, **MONEY)
    penalty_charged = models.DecimalField(default=ZERO, **MONEY)  # accrued by this repayment
    penalty_since = models.DateField(null=True, blank=True)  # the instalment's before this repayment


class ArrearsBand(models.Model):
    """A row of a configurable arrears table: an aging bucket, or a regulatory risk category with the
    provision it calls for (by default, Peru's SBS categories for loans to micro-enterprises)."""

    class Table(models.TextChoices):
        AGING = "aging", _("Tramos de atraso")
        RISK = "risk", _("Categorías de riesgo")

    table = models.CharField(max_length=6, choices=Table.choices)
    code = models.CharField(_("código"), max_length=20)
    name = models.CharField(_("nombre"), max_length=80)
    min_days = models.PositiveIntegerField(_("desde (días)"))
    max_days = models.PositiveIntegerField(_("hasta (días)"), null=True, blank=True)
    provision_percent = models.DecimalField(_("provisión (%)"), max_digits=5, decimal_places=2,
                                            default=Decimal("0"), validators=PERCENT)

    class Meta:
        verbose_name = _("tramo de atraso")
        verbose_name_plural = _("tramos de atraso")
        ordering = ["table", "min_days"]
        constraints = [models.UniqueConstraint(fields=["table", "code"], name="arrearsband_unique_code")]

    def __str__(self):
        return self.name

    @property
    def days(self):
        """The band's span of days, in the page's language."""
        if self.max_days == 0:
            return _("al día")
        if self.max_days is None:
            return _("más de %(a)s días") % {"a": self.min_days - 1}
        return _("%(a)s a %(b)s días") % {"a": self.min_days, "b": self.max_days}


class GuaranteeAgreement(models.Model):
    """An agreement with a partner lender (a caja municipal …): the fund's guarantee pool covers a
    share of what its borrowers leave unpaid, up to a cap per borrower, and the loans guaranteed may
    not exceed the pool times the leverage limit."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="agreements")
    lender = models.ForeignKey("people.Organisation", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("entidad financiera"))
    reference = models.CharField(_("convenio"), max_length=60)
    signed_on = models.DateField(_("firmado el"))
    ends_on = models.DateField(_("vence el"), null=True, blank=True)
    coverage_percent = models.DecimalField(_("cobertura (%)"), max_digits=5, decimal_places=2, validators=PERCENT)
    cap_per_borrower = models.DecimalField(_("tope por prestatario"), **MONEY)
    leverage_limit = models.DecimalField(_("apalancamiento máximo (veces el fondo)"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("convenio de garantía")
        verbose_name_plural = _("convenios de garantía")
        constraints = [models.CheckConstraint(
            condition=Q(coverage_percent__gt=0) & Q(coverage_percent__lte=100) & Q(cap_per_borrower__gt=0)
            & Q(leverage_limit__gt=0), name="agreement_sane_terms")]

    def __str__(self):
        return f"{self.lender} · {self.reference}"

    def clean(self):
        errors = {}
        if self.coverage_percent is not None and not 0 < self.coverage_percent <= 100:
            errors["coverage_percent"] = _("La cobertura va de más de 0 a 100 %.")
        if self.cap_per_borrower is not None and self.cap_per_borrower <= 0:
            errors["cap_per_borrower"] = _("El tope por prestatario debe ser mayor que cero.")
        if self.leverage_limit is not None and self.leverage_limit <= 0:
            errors["leverage_limit"] = _("El apalancamiento debe ser mayor que cero.")
        if self.ends_on and self.signed_on and self.ends_on < self.signed_on:
            errors["ends_on"] = _("El convenio no puede vencer antes de firmarse.")
        if errors:
            raise ValidationError(errors)


class GuaranteedLoan(Borrower):
    """A loan the partner lender made under the agreement, as the lender reports it."""

    class Status(models.TextChoices):
        CURRENT = "current", _("Vigente")
        CALLED = "called", _("Garantía ejecutada")
        REPAID = "repaid", _("Cancelado")

    agreement = models.ForeignKey(GuaranteeAgreement, on_delete=models.PROTECT, related_name="loans")
    reference = models.CharField(_("código del préstamo en la entidad"), max_length=40)
    amount = models.DecimalField(_("monto"), **MONEY)
    disbursed_on = models.DateField(_("desembolsado el"))
    outstanding = models.DecimalField(_("saldo reportado"), **MONEY)
    days_past_due = models.PositiveIntegerField(_("días de atraso reportados"), default=0)
    reported_on = models.DateField(_("reportado el"))
    status = models.CharField(_("estado"), max_length=8, choices=Status.choices, default=Status.CURRENT)

    class Meta:
        verbose_name = _("préstamo garantizado")
        verbose_name_plural = _("préstamos garantizados")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "reference"], name="guaranteedloan_unique_reference"),
            one_party("guaranteedloan_one_borrower"),
            models.CheckConstraint(condition=Q(amount__gt=0) & Q(outstanding__gte=0), name="guaranteedloan_amounts"),
        ]


class GuaranteeCall(models.Model):
    """The lender calls the guarantee on a defaulted loan: the pool pays
    min(coverage × outstanding, cap, what the pool holds), and takes the borrower's debt over."""

    loan = models.ForeignKey(GuaranteedLoan, on_delete=models.PROTECT, related_name="calls")
    date = models.DateField(_("fecha"))
    outstanding = models.DecimalField(_("saldo impago"), **MONEY)
    claim = models.DecimalField(_("monto pagado"), **MONEY)
    entry = models.OneToOneField("books.Entry", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("ejecución de garantía")
        verbose_name_plural = _("ejecuciones de garantía")
        constraints = [models.CheckConstraint(condition=Q(claim__gt=0), name="guaranteecall_positive")]


class GuaranteeRecovery(models.Model):
    """Money recovered from the borrower after a call, back into the guarantee pool."""

    call = models.ForeignKey(GuaranteeCall, on_delete=models.PROTECT, related_name="recoveries")
    date = models.DateField(_("fecha"))
    amount = models.DecimalField(_("monto"), **MONEY)
    entry = models.OneToOneField("books.Entry", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("recuperación")
        verbose_name_plural = _("recuperaciones")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="guaranteerecovery_positive")]
