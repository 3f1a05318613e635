from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.accounts.permissions import RUN_SPACES, around_q, scope_q
from minka.core.forms import DateInput
from minka.incentives.models import Agreement as PesAgreement
from minka.incentives.models import Plan as IncentivePlan
from minka.learning.models import Training
from minka.observatory.models import Indicator
from minka.people.models import Organisation
from minka.territory.models import Infrastructure, Territory, Watershed

from .models import Accord, Action, Axis, BudgetLine, Expense, Meeting, Membership, Objective, Programme, Sex, Space


def organisations_of(space):
    """The organisations of the space's place, of the places inside it and above it."""
    return Organisation.objects.filter(around_q("territory__path", space.territory.path)).order_by("name")


class SpaceForm(forms.Form):
    code = forms.SlugField(label=_("Código"), max_length=40, help_text=_("Para la dirección: mcl-ocongate"))
    name = forms.CharField(label=_("Nombre"), max_length=200)
    kind = forms.ChoiceField(label=_("Tipo"), choices=Space.Kind.choices)
    territory = forms.ModelChoiceField(Territory.objects.none(), label=_("Distrito"))
    watershed = forms.ModelChoiceField(Watershed.objects.all(), label=_("Cuenca (mesa de cuenca)"), required=False)
    founded_on = forms.DateField(label=_("Constituida el"), widget=DateInput())
    quorum = forms.IntegerField(label=_("Quórum (porcentaje de las organizaciones miembro)"), min_value=1, max_value=100,
                                initial=51)
    description = forms.CharField(label=_("Descripción"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = Territory.objects.filter(
            scope_q(user, "path", RUN_SPACES), kind__in=["district", "province"]).order_by("path")


class MemberForm(forms.Form):
    organisation = forms.ModelChoiceField(Organisation.objects.none(), label=_("Organización"))
    position = forms.ChoiceField(label=_("Cargo"), choices=Membership.Position.choices)
    date = forms.DateField(label=_("Desde"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, space, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_of(space)


class RepresentativeForm(forms.Form):
    membership = forms.ModelChoiceField(Membership.objects.none(), label=_("Organización"))
    name = forms.CharField(label=_("Nombre"), max_length=200)
    sex = forms.ChoiceField(label=_("Sexo"), choices=Sex.choices)
    role = forms.CharField(label=_("Cargo en su organización"), max_length=100, required=False)
    phone = forms.CharField(label=_("Teléfono"), max_length=20, required=False)
    since = forms.DateField(label=_("Desde"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, space, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = space.memberships.filter(left_on__isnull=True).select_related(
            "organisation")


class MeetingForm(forms.Form):
    date = forms.DateField(label=_("Fecha"), widget=DateInput())
    place = forms.CharField(label=_("Lugar"), max_length=200)
    kind = forms.ChoiceField(label=_("Tipo"), choices=Meeting.Kind.choices)
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 3}))


class HoldForm(forms.Form):
    """Who came: the representatives of the members of the day, ticked, and anyone else, one per line
    («name | F or M | organisation», the organisation as listed, or none for a guest)."""

    others = forms.CharField(label=_("Otras personas presentes: una por línea, «nombre | F o M | organización»"),
                             required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("La organización tal como figura en Minka; sin organización: invitado(a)."))
    minutes = forms.CharField(label=_("Acta"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    minutes_file = forms.FileField(label=_("Acta firmada (PDF o foto)"), required=False)
    decisive = forms.BooleanField(label=_("Sesión con acuerdos (necesita quórum)"), required=False)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.representatives = []
        from .services import members_on

        for membership in members_on(meeting.space, meeting.date).select_related("organisation").prefetch_related("representatives"):
            for person in membership.representatives.all():
                if person.since <= meeting.date and (person.until is None or person.until >= meeting.date):
                    self.fields[f"rep_{person.pk}"] = forms.BooleanField(
                        label=f"{person.name} ({membership.organisation})", required=False)
                    self.representatives.append((person, membership.organisation))
        self.order_fields([f"rep_{p.pk}" for p, _o in self.representatives])

    def clean(self):
        data = super().clean()
        attendees = [(organisation, person.name, person.sex) for person, organisation in self.representatives
                     if data.get(f"rep_{person.pk}")]
        known = {o.name.lower(): o for o in organisations_of(self.meeting.space)}
        for number, line in enumerate((data.get("others") or "").splitlines(), 1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) < 2 or parts[1].upper() not in ("F", "M"):
                self.add_error("others", _("Línea %(n)s: «nombre | F o M | organización».") % {"n": number})
                continue
            organisation = None
            if len(parts) > 2 and parts[2]:
                organisation = known.get(parts[2].lower())
                if organisation is None:
                    self.add_error("others", _("Línea %(n)s: no hay una organización «%(o)s» aquí.") % {
                        "n": number, "o": parts[2]})
                    continue
            attendees.append((organisation, parts[0], parts[1].upper()))
        data["attendees"] = attendees
        return data


class AccordForm(forms.Form):
    text = forms.CharField(label=_("Acuerdo"), widget=forms.Textarea(attrs={"rows": 2}))
    responsible = forms.ModelChoiceField(Organisation.objects.none(), label=_("Responsable"))
    proposed_by = forms.ModelChoiceField(Organisation.objects.none(), label=_("Propuesto por"), required=False)
    due_on = forms.DateField(label=_("Plazo"), widget=DateInput())

    def __init__(self, *args, space, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = organisations_of(space)
        self.fields["proposed_by"].queryset = organisations_of(space)


class FollowUpForm(forms.Form):
    date = forms.DateField(label=_("Fecha"), widget=DateInput(), initial=timezone.localdate)
    status = forms.ChoiceField(label=_("Estado"), choices=Accord.Status.choices, initial=Accord.Status.IN_PROGRESS)
    note = forms.CharField(label=_("Qué se hizo"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.FileField(label=_("Evidencia (archivo)"), required=False)


class PhotoForm(forms.Form):
    file = forms.ImageField(label=_("Foto"))
    caption = forms.CharField(label=_("Leyenda"), max_length=200, required=False)


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Título"), max_length=200)
    first_year = forms.IntegerField(label=_("Desde el año"), min_value=2000, max_value=2100)
    last_year = forms.IntegerField(label=_("Hasta el año"), min_value=2000, max_value=2100)
    vision = forms.CharField(label=_("Visión"), widget=forms.Textarea(attrs={"rows": 2}))
    approved_on = forms.DateField(label=_("Aprobado el"), widget=DateInput(), required=False)


class ObjectiveForm(forms.Form):
    text = forms.CharField(label=_("Objetivo estratégico"), max_length=300)
    indicators = forms.ModelMultipleChoiceField(Indicator.objects.order_by("order"), label=_("Indicadores"),
                                                required=False)


class ProgrammeForm(forms.Form):
    objective = forms.ModelChoiceField(Objective.objects.none(), label=_("Objetivo"))
    name = forms.CharField(label=_("Programa"), max_length=300)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = plan.objectives.all()


class ActionForm(forms.Form):
    programme = forms.ModelChoiceField(Programme.objects.none(), label=_("Programa"))
    name = forms.CharField(label=_("Acción"), max_length=300)
    responsible = forms.ModelChoiceField(Organisation.objects.none(), label=_("Responsable"))
    budget = forms.DecimalField(label=_("Presupuesto (S/)"), min_value=0, max_digits=14, decimal_places=2)
    funding = forms.ChoiceField(label=_("Fuente de financiamiento"), choices=Action.Funding.choices)
    starts_on = forms.DateField(label=_("Inicio"), widget=DateInput())
    ends_on = forms.DateField(label=_("Fin"), widget=DateInput())
    works = forms.ModelMultipleChoiceField(Infrastructure.objects.none(), label=_("Obras de infraestructura"),
                                           required=False)
    business_plans = forms.ModelMultipleChoiceField(IncentivePlan.objects.none(), label=_("Planes de negocio"),
                                                    required=False)
    pes_agreements = forms.ModelMultipleChoiceField(PesAgreement.objects.none(), label=_("Acuerdos de retribución"),
                                                    required=False)
    trainings = forms.ModelMultipleChoiceField(Training.objects.none(), label=_("Capacitaciones"), required=False)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        inside = plan.space.territory.path
        self.fields["programme"].queryset = Programme.objects.filter(objective__plan=plan).select_related("objective")
        self.fields["responsible"].queryset = organisations_of(plan.space)
        self.fields["works"].queryset = Infrastructure.objects.filter(community__path__startswith=inside).order_by("name")
        self.fields["business_plans"].queryset = IncentivePlan.objects.filter(
            territory__path__startswith=inside).select_related("call").order_by("call", "number")
        self.fields["pes_agreements"].queryset = PesAgreement.objects.filter(
            territory__path__startswith=inside).select_related("scheme").order_by("scheme", "number")
        self.fields["trainings"].queryset = Training.objects.filter(place__path__startswith=inside).order_by(
            "-start_date")


class ActionUpdateForm(forms.Form):
    date = forms.DateField(label=_("Fecha"), widget=DateInput(), initial=timezone.localdate)
    progress = forms.IntegerField(label=_("Avance (%)"), min_value=0, max_value=100)
    status = forms.ChoiceField(label=_("Estado"), choices=Action.Status.choices)
    note = forms.CharField(label=_("Qué se hizo"), widget=forms.Textarea(attrs={"rows": 2}))


class BudgetLineForm(forms.Form):
    axis = forms.ModelChoiceField(Axis.objects.none(), label=_("Eje"))
    year = forms.IntegerField(label=_("Año"), min_value=2000, max_value=2100)
    label = forms.CharField(label=_("Rubro"), max_length=200)
    amount = forms.DecimalField(label=_("Presupuesto (EUR)"), min_value=0, max_digits=14, decimal_places=2)

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["axis"].queryset = program.axes.all()


class ExpenseForm(forms.Form):
    line = forms.ModelChoiceField(BudgetLine.objects.none(), label=_("Línea presupuestal"))
    date = forms.DateField(label=_("Fecha"), widget=DateInput(), initial=timezone.localdate)
    description = forms.CharField(label=_("Descripción"), max_length=200)
    amount = forms.DecimalField(label=_("Monto"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2)
    currency = forms.ChoiceField(label=_("Moneda"), choices=Expense.Currency.choices)

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = BudgetLine.objects.filter(axis__program=program, closed=False).select_related(
            "axis")


class RateForm(forms.Form):
    date = forms.DateField(label=_("Fecha"), widget=DateInput(), initial=timezone.localdate)
    rate = forms.DecimalField(label=_("Soles por euro"), min_value=Decimal("0.000001"), max_digits=12,
                              decimal_places=6)
    source = forms.CharField(label=_("Fuente"), max_length=100, required=False, initial="SBS")
