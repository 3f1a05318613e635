"""The ESS enterprise D'Ausangate: its members and their shares, its statute as data, what it buys
from producers (deliveries, at the price of a price list valid on the day) and what it pays them.
Every money movement is a journal entry in the enterprise's book (`minka.books`); corrections are
new rows that reverse old ones, never edits."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minka.core.models import TranslatedName

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class Enterprise(models.Model):
    """The enterprise and its statute: what part of a period's surplus goes to the reserve (20 % by
    default, Peru's cooperative reserve) and to the other funds, whether refunds follow the volume or
    the value delivered, and what share of a member's refund stays in their capital account."""

    class Basis(models.TextChoices):
        VOLUME = "volume", _("Por volumen entregado")
        VALUE = "value", _("Por valor entregado")

    organisation = models.OneToOneField("people.Organisation", on_delete=models.PROTECT, related_name="enterprise",
                                        verbose_name=_("organización"))
    book = models.OneToOneField("books.Book", on_delete=models.PROTECT, related_name="enterprise",
                                verbose_name=_("libro contable"))
    brand = models.CharField(_("marca"), max_length=60, default="D'Ausangate")
    reserve_percent = models.DecimalField(_("reserva (%)"), max_digits=5, decimal_places=2, default=Decimal("20"),
                                          validators=PERCENT)
    refund_basis = models.CharField(_("reparto del excedente"), max_length=8, choices=Basis.choices,
                                    default=Basis.VOLUME)
    retained_percent = models.DecimalField(_("parte del reparto que se capitaliza (%)"), max_digits=5,
                                           decimal_places=2, default=Decimal("0"), validators=PERCENT)

    class Meta:
        verbose_name = _("empresa")
        verbose_name_plural = _("empresas")

    def __str__(self):
        return self.organisation.name

    @property
    def territory(self):
        return self.book.territory


class StatuteFund(models.Model):
    """A fund of the statute besides the reserve (education, community …): its share of the surplus
    and the equity account it is kept in."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="funds")
    name = models.CharField(_("nombre"), max_length=80)
    percent = models.DecimalField(_("porcentaje"), max_digits=5, decimal_places=2, validators=PERCENT)
    account = models.ForeignKey("books.Account", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("cuenta"))

    class Meta:
        verbose_name = _("fondo estatutario")
        verbose_name_plural = _("fondos estatutarios")

    def __str__(self):
        return f"{self.name} ({self.percent} %)"


class Member(models.Model):
    """A member of the enterprise: a producer family or a partner organisation."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="members")
    household = models.ForeignKey("people.Household", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="memberships", verbose_name=_("familia"))
    organisation = models.ForeignKey("people.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="enterprise_memberships", verbose_name=_("organización"))
    joined_on = models.DateField(_("socio desde"))
    left_on = models.DateField(_("socio hasta"), null=True, blank=True)

    class Meta:
        verbose_name = _("socio")
        verbose_name_plural = _("socios")
        constraints = [
            models.CheckConstraint(condition=Q(household__isnull=True) ^ Q(organisation__isnull=True),
                                   name="member_household_or_organisation"),
            models.UniqueConstraint(fields=["enterprise", "household"], condition=Q(household__isnull=False),
                                    name="member_unique_household"),
            models.UniqueConstraint(fields=["enterprise", "organisation"], condition=Q(organisation__isnull=False),
                                    name="member_unique_organisation"),
        ]

    def __str__(self):
        return str(self.household or self.organisation)


class ShareContribution(models.Model):
    """Capital a member brings (or that a refund leaves in their capital account)."""

    class Kind(models.TextChoices):
        PAID = "paid", _("Aporte pagado")
        RETAINED = "retained", _("Excedente capitalizado")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="contributions")
    date = models.DateField(_("fecha"))
    amount = models.DecimalField(_("importe (S/)"), max_digits=12, decimal_places=2)
    kind = models.CharField(_("tipo"), max_length=8, choices=Kind.choices, default=Kind.PAID)
    entry = models.ForeignKey("books.Entry", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("aporte de capital")
        verbose_name_plural = _("aportes de capital")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="contribution_positive")]


class Product(TranslatedName):
    """What the enterprise buys or sells: raw products delivered by producers (milk in litres, guinea
    pigs by unit, potatoes and mushrooms by kg) and processed ones (cheese, yoghurt, dried mushrooms),
    with the most a processed product can yield per unit of its raw product."""

    class Kind(models.TextChoices):
        RAW = "raw", _("Materia prima")
        PROCESSED = "processed", _("Producto elaborado")

    code = models.SlugField(_("código"), max_length=32, unique=True)
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices)
    unit = models.ForeignKey("chains.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unidad"))
    chain = models.ForeignKey("people.ValueChain", on_delete=models.PROTECT, related_name="products",
                              verbose_name=_("cadena de valor"))
    made_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="outputs",
                                  verbose_name=_("elaborado con"))
    max_yield = models.DecimalField(_("rendimiento máximo"), max_digits=8, decimal_places=4, null=True, blank=True,
                                    help_text=_("Unidades del producto por unidad de materia prima, como máximo."))

    class Meta:
        verbose_name = _("producto")
        verbose_name_plural = _("productos")
        ordering = ["kind", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(kind="raw") | (Q(made_from__isnull=False) & Q(max_yield__gt=0)),
                                   name="processed_product_has_a_yield"),
        ]


class CollectionCentre(models.Model):
    """Where producers bring what they deliver (centro de acopio)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="centres")
    name = models.CharField(_("nombre"), max_length=120)
    territory = models.ForeignKey("territory.Territory", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("lugar"))

    class Meta:
        verbose_name = _("centro de acopio")
        verbose_name_plural = _("centros de acopio")

    def __str__(self):
        return self.name


class Price(models.Model):
    """The price paid to producers for a raw product of a grade, valid for a span of dates. The
    grades of a product are its own ("A", "B" …): a quality test passed gives "A", failed "B"."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="prices")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="prices")
    grade = models.CharField(_("calidad"), max_length=8, default="A")
    price = models.DecimalField(_("precio por unidad (S/)"), max_digits=10, decimal_places=4)
    valid_from = models.DateField(_("vigente desde"))
    valid_to = models.DateField(_("vigente hasta"))
    quality_factor = models.DecimalField(_("factor de calidad en el reparto"), max_digits=5, decimal_places=3,
                                         default=Decimal("1"))

    class Meta:
        verbose_name = _("precio")
        verbose_name_plural = _("precios")
        ordering = ["product", "grade", "valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="price_positive"),
            models.CheckConstraint(condition=Q(valid_to__gte=models.F("valid_from")), name="price_span"),
            models.CheckConstraint(condition=Q(quality_factor__gt=0), name="price_quality_factor_positive"),
        ]

    def clean(self):
        """Two prices of the same product and grade never cover the same day (wherever they are entered)."""
        from django.core.exceptions import ValidationError

        if self.valid_from and self.valid_to and Price.objects.filter(
                enterprise_id=self.enterprise_id, product_id=self.product_id, grade=self.grade,
                valid_from__lte=self.valid_to, valid_to__gte=self.valid_from).exclude(pk=self.pk).exists():
            raise ValidationError(_("Ya hay un precio de %(p)s calidad %(g)s en esas fechas.") % {
                "p": self.product.label, "g": self.grade})


class Delivery(models.Model):
    """A producer's delivery at a collection centre, priced by the price list of its day and grade.
    A correction is a new delivery that reverses this one (`reverses`), with its own entry."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="deliveries")
    date = models.DateField(_("fecha"))
    centre = models.ForeignKey(CollectionCentre, on_delete=models.PROTECT, related_name="deliveries",
                               verbose_name=_("centro de acopio"))
    household = models.ForeignKey("people.Household", on_delete=models.PROTECT, related_name="deliveries",
                                  verbose_name=_("productor(a)"))
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="deliveries",
                                verbose_name=_("producto"))
    quantity = models.DecimalField(_("cantidad"), max_digits=12, decimal_places=3)
    grade = models.CharField(_("calidad"), max_length=8)
    quality_test = models.ForeignKey("chains.Record", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="deliveries", verbose_name=_("prueba de calidad"))
    price = models.ForeignKey(Price, on_delete=models.PROTECT, related_name="deliveries")
    amount = models.DecimalField(_("importe (S/)"), max_digits=12, decimal_places=2)
    entry = models.OneToOneField("books.Entry", on_delete=models.PROTECT, related_name="+")
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversed_by")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("entrega")
        verbose_name_plural = _("entregas")
        ordering = ["-date", "-pk"]
        constraints = [
            # a reversal carries the negative of what it reverses; any other delivery is positive
            models.CheckConstraint(condition=Q(reverses__isnull=True, quantity__gt=0, amount__gt=0)
                                   | Q(reverses__isnull=False, quantity__lt=0, amount__lt=0),
                                   name="delivery_positive_unless_reversal"),
        ]


class Payment(models.Model):
    """What the enterprise pays a producer: cash, a bank transfer, or an offset against a debt."""

    class Method(models.TextChoices):
        CASH = "cash", _("Efectivo")
        TRANSFER = "transfer", _("Transferencia")
        OFFSET = "offset", _("Compensación con una deuda")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="payments")
    household = models.ForeignKey("people.Household", on_delete=models.PROTECT, related_name="enterprise_payments",
                                  verbose_name=_("productor(a)"))
    date = models.DateField(_("fecha"))
    amount = models.DecimalField(_("importe (S/)"), max_digits=12, decimal_places=2)
    method = models.CharField(_("forma de pago"), max_length=10, choices=Method.choices)
    reference = models.CharField(_("referencia"), max_length=80, blank=True)
    entry = models.OneToOneField("books.Entry", on_delete=models.PROTECT, related_name="+")
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversed_by")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("pago a productor")
        verbose_name_plural = _("pagos a productores")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(reverses__isnull=True, amount__gt=0)
                                   | Q(reverses__isnull=False, amount__lt=0), name="payment_positive_unless_reversal"),
        ]


class BrandRule(models.Model):
    """A rule of the brand charter that a lot must meet to carry the brand, checked when the lot is
    made (the reason is kept when it does not)."""

    class Kind(models.TextChoices):
        STAGE = "stage", _("Productores en transición agroecológica o más")
        QUALITY = "quality", _("Entregas con prueba de calidad aprobada")
        DISTRICTS = "districts", _("Productores de los distritos del programa")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="brand_rules")
    kind = models.CharField(_("regla"), max_length=12, choices=Kind.choices)
    parameter = models.CharField(_("parámetro"), max_length=200, blank=True,
                                 help_text=_("Etapa mínima (transition, agroecological, organic) o códigos de distrito "
                                             "separados por comas."))

    class Meta:
        verbose_name = _("regla de la marca")
        verbose_name_plural = _("reglas de la marca")
        constraints = [models.UniqueConstraint(fields=["enterprise", "kind"], name="brand_rule_unique_kind")]

    def __str__(self):
        return self.get_kind_display() + (f" ({self.parameter})" if self.parameter else "")


class Lot(models.Model):
    """A processing lot: what was made, from which deliveries or other lots, under a code printed on
    its labels. Whether it carries the brand is decided by the charter when it is made."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="lots")
    code = models.CharField(_("código de lote"), max_length=32, unique=True)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="lots", verbose_name=_("producto"))
    made_on = models.DateField(_("fecha de elaboración"))
    best_before = models.DateField(_("consumir preferentemente antes de"), null=True, blank=True)
    quantity = models.DecimalField(_("cantidad"), max_digits=12, decimal_places=3)
    branded = models.BooleanField(_("lleva la marca"), default=False)
    not_branded_because = models.JSONField(_("motivos"), default=list, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("lote")
        verbose_name_plural = _("lotes")
        ordering = ["-made_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="lot_quantity_positive")]

    def __str__(self):
        return self.code


class LotInput(models.Model):
    """Part of a delivery, or of another lot, that went into a lot."""

    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="inputs")
    delivery = models.ForeignKey(Delivery, null=True, blank=True, on_delete=models.PROTECT, related_name="uses")
    source = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="uses")
    quantity = models.DecimalField(_("cantidad"), max_digits=12, decimal_places=3)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(delivery__isnull=True) ^ Q(source__isnull=True),
                                   name="lot_input_delivery_or_lot"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="lot_input_positive"),
        ]


class Customer(models.Model):
    """Who buys: a restaurant, a shop, a fair, an institution. Each is a market outlet of the program."""

    class Channel(models.TextChoices):
        RESTAURANT = "restaurant", _("Restaurante")
        SHOP = "shop", _("Tienda")
        FAIR = "fair", _("Feria")
        INSTITUTION = "institution", _("Institución")
        OTHER = "other", _("Otro")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="customers")
    name = models.CharField(_("nombre"), max_length=200)
    channel = models.CharField(_("canal"), max_length=12, choices=Channel.choices)
    territory = models.ForeignKey("territory.Territory", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("lugar"))
    ruc = models.CharField(_("RUC o DNI"), max_length=11, blank=True)

    class Meta:
        verbose_name = _("cliente")
        verbose_name_plural = _("clientes")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Sale(models.Model):
    """A sale to a customer, invoiced under a number, of quantities taken from lots."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="sales")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="sales",
                                 verbose_name=_("cliente"))
    date = models.DateField(_("fecha"))
    number = models.PositiveIntegerField(_("número de comprobante"))
    amount = models.DecimalField(_("importe (S/)"), max_digits=12, decimal_places=2)
    entry = models.OneToOneField("books.Entry", on_delete=models.PROTECT, related_name="+")
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversed_by")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("venta")
        verbose_name_plural = _("ventas")
        ordering = ["-date", "-number"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "number"], name="sale_unique_number")]


class SaleLine(models.Model):
    sale = models.ForeignKey(Sale, on_delete=models.CASCADE, related_name="lines")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="sales", verbose_name=_("lote"))
    quantity = models.DecimalField(_("cantidad"), max_digits=12, decimal_places=3)
    unit_price = models.DecimalField(_("precio unitario (S/)"), max_digits=10, decimal_places=4)
    amount = models.DecimalField(_("importe (S/)"), max_digits=12, decimal_places=2)


class Receipt(models.Model):
    """Money received from a customer for a sale."""

    sale = models.ForeignKey(Sale, on_delete=models.PROTECT, related_name="receipts")
    date = models.DateField(_("fecha"))
    amount = models.DecimalField(_("importe (S/)"), max_digits=12, decimal_places=2)
    method = models.CharField(_("forma de pago"), max_length=10, choices=Payment.Method.choices[:2])
    entry = models.OneToOneField("books.Entry", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="receipt_positive")]


class Cost(models.Model):
    """A cost of processing, transport or overheads, by period: posted to its expense account and
    paid from cash or the bank."""

    class Kind(models.TextChoices):
        PROCESSING = "processing", _("Elaboración")
        TRANSPORT = "transport", _("Transporte")
        OVERHEAD = "overhead", _("Gastos generales")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="costs")
    date = models.DateField(_("fecha"))
    kind = models.CharField(_("tipo"), max_length=12, choices=Kind.choices)
    account = models.ForeignKey("books.Account", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("cuenta de gasto"))
    description = models.CharField(_("descripción"), max_length=200)
    amount = models.DecimalField(_("importe (S/)"), max_digits=12, decimal_places=2)
    paid_by = models.CharField(_("pagado con"), max_length=10, choices=Payment.Method.choices[:2])
    entry = models.OneToOneField("books.Entry", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("costo")
        verbose_name_plural = _("costos")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="cost_positive")]


class Closing(models.Model):
    """A period closed by the enterprise: its surplus and how it was shared, as posted."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="closings")
    period = models.OneToOneField("books.Period", on_delete=models.PROTECT, related_name="closing")
    branded_revenue = models.DecimalField(max_digits=14, decimal_places=2)
    other_revenue = models.DecimalField(max_digits=14, decimal_places=2)
    purchases = models.DecimalField(max_digits=14, decimal_places=2)
    costs = models.DecimalField(max_digits=14, decimal_places=2)
    surplus = models.DecimalField(max_digits=14, decimal_places=2)
    reserve = models.DecimalField(max_digits=14, decimal_places=2)
    funds = models.JSONField(default=dict)  # fund name → amount (text, to the céntimo)
    statute = models.JSONField(default=dict)  # the statute as applied
    entry = models.OneToOneField("books.Entry", null=True, on_delete=models.PROTECT, related_name="+")
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(auto_now_add=True)


class Refund(models.Model):
    """A producer's share of a closed period's surplus: how much, in which pools, and the part kept
    in their capital account."""

    closing = models.ForeignKey(Closing, on_delete=models.CASCADE, related_name="refunds")
    household = models.ForeignKey("people.Household", on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    retained = models.DecimalField(max_digits=12, decimal_places=2)
    pools = models.JSONField(default=list)  # [{product, patronage, pool_patronage, pool_amount, amount}]

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0) & Q(retained__gte=0)
                                              & Q(retained__lte=models.F("amount")), name="refund_amounts")]

    @property
    def paid_out(self):
        return self.amount - self.retained
