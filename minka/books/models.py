"""The double-entry ledger every app that moves money posts to (the enterprise, the credit fund,
PES payments): one chart of accounts (Peru's PCGE names), books per entity, journal entries that
are never edited (a correction is a reversing entry) and periods that lock.

Amounts are Decimal in the book's currency (PEN), to the céntimo; a line is a debit or a credit."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minka.core.models import TranslatedName

CENT = Decimal("0.01")


class Account(TranslatedName):
    """An account of the chart, named as in Peru's Plan Contable General Empresarial where one applies.
    Codes nest by prefix (10 → 101 → 1011); only accounts marked postable take lines."""

    class Kind(models.TextChoices):
        ASSET = "asset", _("Activo")
        LIABILITY = "liability", _("Pasivo")
        EQUITY = "equity", _("Patrimonio")
        INCOME = "income", _("Ingreso")
        EXPENSE = "expense", _("Gasto")

    code = models.CharField(_("código"), max_length=12, unique=True)
    kind = models.CharField(_("naturaleza"), max_length=12, choices=Kind.choices)
    postable = models.BooleanField(_("admite asientos"), default=True)

    class Meta:
        verbose_name = _("cuenta")
        verbose_name_plural = _("cuentas")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.label}"

    @property
    def debit_normal(self):
        """Assets and expenses grow on the debit side; the others on the credit side."""
        return self.kind in (self.Kind.ASSET, self.Kind.EXPENSE)


class Book(models.Model):
    """The books of one entity (the D'Ausangate enterprise, the innovation fund …): its entries are
    numbered in sequence, its trial balance is its own."""

    code = models.SlugField(_("código"), max_length=32, unique=True)
    name = models.CharField(_("nombre"), max_length=200)
    organisation = models.ForeignKey("people.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="books", verbose_name=_("organización"))
    territory = models.ForeignKey("territory.Territory", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("ámbito"), help_text=_("Quién puede llevar o leer estos libros."))
    currency = models.CharField(_("moneda"), max_length=3, default="PEN", editable=False)
    # Who keeps these books: those with this capability over the book's place (the managers' and the
    # fund officers' "keep_books"; a PES scheme's books are kept by those who run the scheme).
    keepers = models.CharField(_("quién lleva los libros"), max_length=32, default="keep_books", editable=False)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("libro contable")
        verbose_name_plural = _("libros contables")

    def __str__(self):
        return self.name


class Period(models.Model):
    """An accounting period of a book. Entries are dated inside an open period; a closed period
    takes no entry any more (corrections go to a later one)."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="periods", verbose_name=_("libro"))
    name = models.CharField(_("nombre"), max_length=60)
    start = models.DateField(_("desde"))
    end = models.DateField(_("hasta"))
    closed_at = models.DateTimeField(_("cerrado el"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("cerrado por"))

    class Meta:
        verbose_name = _("periodo")
        verbose_name_plural = _("periodos")
        ordering = ["book", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="period_ends_after_it_starts"),
            models.UniqueConstraint(fields=["book", "start"], name="period_unique_start"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_closed(self):
        return self.closed_at is not None


class Entry(models.Model):
    """A journal entry: balanced lines, dated, numbered in its book, never edited. `source` names the
    operation it records (a delivery, a payment, a sale …) for the way back from the books."""

    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="entries", verbose_name=_("libro"))
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="entries", verbose_name=_("periodo"))
    number = models.PositiveIntegerField(_("número"))
    date = models.DateField(_("fecha"))
    memo = models.CharField(_("glosa"), max_length=255)
    source = models.CharField(_("origen"), max_length=64, blank=True, help_text=_("p. ej. market.delivery:12"))
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversed_by", verbose_name=_("revierte"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    # An operation in another currency (a grant in EUR): the amount received and the day's rate that
    # turned it into the soles of the lines.
    foreign_currency = models.CharField(_("moneda de origen"), max_length=3, blank=True)
    foreign_amount = models.DecimalField(_("monto en moneda de origen"), max_digits=14, decimal_places=2, null=True,
                                         blank=True)
    exchange_rate = models.DecimalField(_("tipo de cambio"), max_digits=12, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = _("asiento")
        verbose_name_plural = _("asientos")
        ordering = ["book", "number"]
        constraints = [models.UniqueConstraint(fields=["book", "number"], name="entry_unique_number")]

    def __str__(self):
        return f"{self.number} · {self.memo}"


class Line(models.Model):
    """One side of an entry: a debit or a credit to an account, to the céntimo, optionally about a
    family or an organisation (a producer's payable, a customer's receivable)."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="lines", verbose_name=_("asiento"))
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines", verbose_name=_("cuenta"))
    debit = models.DecimalField(_("debe"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    credit = models.DecimalField(_("haber"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    household = models.ForeignKey("people.Household", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("familia"))
    organisation = models.ForeignKey("people.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("organización"))

    class Meta:
        verbose_name = _("línea")
        verbose_name_plural = _("líneas")
        constraints = [
            models.CheckConstraint(
                condition=(Q(debit__gt=0) & Q(credit=0)) | (Q(credit__gt=0) & Q(debit=0)),
                name="line_debit_or_credit"),
        ]

    @property
    def amount(self):
        """Signed: debits positive, credits negative."""
        return self.debit - self.credit


class ExchangeRate(models.Model):
    """The soles one unit of a foreign currency was worth on a day (the SBS rate, or the bank's), as
    recorded; an operation in that currency takes the latest rate of the week before it."""

    currency = models.CharField(_("moneda"), max_length=3, default="EUR")
    date = models.DateField(_("fecha"))
    rate = models.DecimalField(_("soles por unidad"), max_digits=12, decimal_places=6)
    source = models.CharField(_("fuente"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("tipo de cambio")
        verbose_name_plural = _("tipos de cambio")
        ordering = ["currency", "-date"]
        constraints = [models.UniqueConstraint(fields=["currency", "date"], name="rate_once_a_day"),
                       models.CheckConstraint(condition=models.Q(rate__gt=0), name="rate_positive")]

    def __str__(self):
        return f"{self.currency} {self.date}: {self.rate}"
