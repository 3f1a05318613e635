"""The chart of accounts Minka starts with: the accounts of Peru's Plan Contable General Empresarial
(PCGE, 2019) that the enterprise, the credit fund and PES payments use, under their PCGE codes and
names. Loaded by a data migration; accountants add subaccounts as data. Quechua names are left to
the Spanish ones (accounting is kept in Spanish in the region); French and English are given for
funders' reports."""

# code, kind, postable, es, fr, en
ACCOUNTS = [
    ("10", "asset", False, "Efectivo y equivalentes de efectivo", "Trésorerie", "Cash and cash equivalents"),
    ("1011", "asset", True, "Caja", "Caisse", "Cash on hand"),
    ("1041", "asset", True, "Cuentas corrientes operativas", "Comptes courants", "Current accounts"),
    ("12", "asset", False, "Cuentas por cobrar comerciales – terceros", "Clients", "Trade receivables"),
    ("1212", "asset", True, "Facturas, boletas y otros comprobantes por cobrar – emitidas en cartera",
     "Factures clients", "Invoices receivable"),
    ("14", "asset", False, "Cuentas por cobrar al personal, a los accionistas (socios), directores y gerentes",
     "Créances sur les associés", "Receivables from members"),
    ("1421", "asset", True, "Suscripciones por cobrar a socios o accionistas", "Apports souscrits non versés",
     "Subscribed capital unpaid"),
    ("16", "asset", False, "Cuentas por cobrar diversas – terceros", "Autres créances", "Other receivables"),
    ("1681", "asset", True, "Otras cuentas por cobrar diversas", "Autres créances diverses", "Sundry receivables"),
    ("42", "liability", False, "Cuentas por pagar comerciales – terceros", "Fournisseurs", "Trade payables"),
    ("4212", "liability", True, "Facturas, boletas y otros comprobantes por pagar – emitidas",
     "Factures fournisseurs", "Invoices payable"),
    ("44", "liability", False, "Cuentas por pagar a los accionistas (socios), directores y gerentes",
     "Dettes envers les associés", "Payables to members"),
    ("4419", "liability", True, "Otras cuentas por pagar a socios (excedentes por pagar)",
     "Ristournes à payer aux associés", "Patronage refunds payable"),
    ("46", "liability", False, "Cuentas por pagar diversas – terceros", "Autres dettes", "Other payables"),
    ("4699", "liability", True, "Otras cuentas por pagar diversas", "Autres dettes diverses", "Sundry payables"),
    ("50", "equity", False, "Capital", "Capital", "Capital"),
    ("5012", "equity", True, "Participaciones (aportaciones de los socios)", "Parts sociales (apports des associés)",
     "Members' shares"),
    ("58", "equity", False, "Reservas", "Réserves", "Reserves"),
    ("5821", "equity", True, "Reserva legal (reserva cooperativa)", "Réserve légale", "Legal reserve"),
    ("5841", "equity", True, "Reservas estatutarias – fondo de educación", "Fonds statutaire d'éducation",
     "Statutory education fund"),
    ("5842", "equity", True, "Reservas estatutarias – fondo comunal", "Fonds statutaire communautaire",
     "Statutory community fund"),
    ("59", "equity", False, "Resultados acumulados", "Report à nouveau", "Retained earnings"),
    ("5911", "equity", True, "Utilidades acumuladas", "Bénéfices reportés", "Retained surplus"),
    ("5921", "equity", True, "Pérdidas acumuladas", "Pertes reportées", "Accumulated losses"),
    ("60", "expense", False, "Compras", "Achats", "Purchases"),
    ("6021", "expense", True, "Materias primas para productos manufacturados", "Achats de matières premières",
     "Raw materials purchased"),
    ("62", "expense", False, "Gastos de personal, directores y gerentes", "Charges de personnel", "Staff costs"),
    ("6211", "expense", True, "Sueldos y salarios", "Salaires", "Wages and salaries"),
    ("63", "expense", False, "Gastos de servicios prestados por terceros", "Services extérieurs",
     "Services from third parties"),
    ("6311", "expense", True, "Transporte de carga", "Transport de marchandises", "Freight"),
    ("6361", "expense", True, "Energía eléctrica", "Électricité", "Electricity"),
    ("6391", "expense", True, "Gastos bancarios", "Frais bancaires", "Bank charges"),
    ("65", "expense", False, "Otros gastos de gestión", "Autres charges de gestion", "Other operating expenses"),
    ("6561", "expense", True, "Suministros (envases, etiquetas, insumos)", "Fournitures (emballages, étiquettes)",
     "Supplies (packaging, labels)"),
    ("70", "income", False, "Ventas", "Ventes", "Sales"),
    ("7021", "income", True, "Productos terminados – productos manufacturados", "Ventes de produits finis",
     "Sales of finished products"),
    ("7011", "income", True, "Mercaderías – mercaderías manufacturadas", "Ventes de marchandises",
     "Sales of goods for resale"),
    ("75", "income", False, "Otros ingresos de gestión", "Autres produits de gestion", "Other operating income"),
    ("7599", "income", True, "Otros ingresos de gestión", "Autres produits de gestion divers",
     "Sundry operating income"),
    ("77", "income", False, "Ingresos financieros", "Produits financiers", "Financial income"),
    ("7721", "income", True, "Intereses sobre préstamos otorgados", "Intérêts des prêts accordés",
     "Interest on loans granted"),
    ("89", "equity", False, "Determinación del resultado del ejercicio", "Détermination du résultat",
     "Result of the period"),
    ("8911", "equity", True, "Utilidad (excedente del periodo)", "Excédent de l'exercice", "Surplus of the period"),
    ("8921", "equity", True, "Pérdida del periodo", "Déficit de l'exercice", "Loss of the period"),
]


def load(apps):
    Account = apps.get_model("books", "Account")
    for code, kind, postable, es, fr, en in ACCOUNTS:
        Account.objects.update_or_create(code=code, defaults={"kind": kind, "postable": postable, "name": es,
                                                               "name_fr": fr, "name_en": en})
