"""The rules of concertation spaces: who is a member on a given day, when a meeting has its quorum,
that only a meeting with quorum adopts agreements, that an agreement has someone who answers for it,
and how agreements are followed until done or dropped."""

import math
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from minka.accounts.permissions import RUN_SPACES, require

from .models import Accord, Attendance, FollowUp, Meeting, Membership, Representative, Space


def _runs(actor, space):
    require(actor, RUN_SPACES, space.territory, _("No lleva el registro de %(s)s.") % {"s": space})


def _day(date):
    return date_format(date, "SHORT_DATE_FORMAT")


def create_space(*, actor, code, name, territory, founded_on, kind=Space.Kind.DISTRICT, watershed=None, quorum=51,
                 description=""):
    require(actor, RUN_SPACES, territory, _("No puede crear espacios en %(t)s.") % {"t": territory})
    if kind == Space.Kind.WATERSHED and watershed is None:
        raise ValidationError(_("Una mesa de cuenca dice de qué cuenca es."))
    space = Space(code=code, name=name, kind=kind, territory=territory, watershed=watershed, founded_on=founded_on,
                  quorum=quorum, description=description)
    space.full_clean()
    space.save()
    return space


def members_on(space, date):
    """The memberships active on a day."""
    return space.memberships.filter(Q(left_on__isnull=True) | Q(left_on__gte=date), joined_on__lte=date)


@transaction.atomic
def join(*, actor, space, organisation, date, position=Membership.Position.MEMBER):
    _runs(actor, space)
    if date < space.founded_on:
        raise ValidationError(_("La mesa se constituyó el %(d)s.") % {"d": _day(space.founded_on)})
    if space.memberships.filter(Q(left_on__isnull=True) | Q(left_on__gte=date), organisation=organisation).exists():
        raise ValidationError(_("%(o)s ya es miembro.") % {"o": organisation})
    return Membership.objects.create(space=space, organisation=organisation, joined_on=date, position=position)


def leave(*, actor, membership, date):
    _runs(actor, membership.space)
    if membership.left_on is not None:
        raise ValidationError(_("%(o)s ya dejó la mesa.") % {"o": membership.organisation})
    if date < membership.joined_on:
        raise ValidationError(_("No puede dejar la mesa antes de haber entrado."))
    if membership.space.meetings.filter(status=Meeting.Status.HELD, date__gt=date,
                                        attendance__organisation=membership.organisation).exists():
        raise ValidationError(_("%(o)s asistió a sesiones posteriores.") % {"o": membership.organisation})
    membership.left_on = date
    membership.save(update_fields=["left_on"])
    return membership


def add_representative(*, actor, membership, name, sex, since, role="", phone=""):
    _runs(actor, membership.space)
    if not name.strip():
        raise ValidationError(_("Escriba el nombre de la persona."))
    representative = Representative(membership=membership, name=name.strip(), sex=sex, since=since, role=role,
                                    phone=phone)
    representative.full_clean()
    representative.save()
    return representative


def schedule(*, actor, space, date, place, agenda, kind=Meeting.Kind.ORDINARY):
    """A meeting called: its date, place and agenda."""
    _runs(actor, space)
    if date < space.founded_on:
        raise ValidationError(_("La mesa se constituyó el %(d)s.") % {"d": _day(space.founded_on)})
    if not agenda.strip():
        raise ValidationError(_("Una sesión se convoca con su agenda."))
    number = (space.meetings.aggregate(n=Max("number"))["n"] or 0) + 1
    return Meeting.objects.create(space=space, number=number, date=date, place=place, agenda=agenda, kind=kind)


@dataclass
class Quorum:
    members: int
    present: int
    needed: int

    @property
    def met(self):
        return self.members > 0 and self.present >= self.needed


def quorum(space, date, organisations):
    """Whether the member organisations among those present make the space's quorum on that day."""
    members = {m.organisation_id for m in members_on(space, date)}
    present = len(members & {o.pk for o in organisations if o is not None})
    return Quorum(members=len(members), present=present, needed=math.ceil(len(members) * space.quorum / 100))


@transaction.atomic
def hold(*, actor, meeting, attendees, minutes="", decisive=False, minutes_file=None):
    """The meeting took place: who came (organisation or none, name, sex), its minutes, and whether
    it adopted agreements, which it may only with its quorum. Nothing is written when refused."""
    _runs(actor, meeting.space)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError(_("Esta sesión ya fue registrada o suspendida."))
    attendees = [(organisation, name.strip(), sex) for organisation, name, sex in attendees if name.strip()]
    if not attendees:
        raise ValidationError(_("Registre al menos una persona presente."))
    if any(sex not in ("F", "M") for _o, _n, sex in attendees):
        raise ValidationError(_("Indique el sexo de cada persona presente (F o M)."))
    count = quorum(meeting.space, meeting.date, [organisation for organisation, _n, _s in attendees])
    if decisive and not count.met:
        raise ValidationError(_(
            "Sin quórum no hay acuerdos: estuvieron %(p)s de %(m)s organizaciones miembro y se necesitan %(n)s. "
            "Registre la sesión como informativa.") % {"p": count.present, "m": count.members, "n": count.needed})
    for organisation, name, sex in attendees:
        Attendance.objects.create(meeting=meeting, organisation=organisation, name=name, sex=sex)
    meeting.status, meeting.decisive, meeting.minutes = Meeting.Status.HELD, decisive, minutes
    meeting.members, meeting.present, meeting.quorum_met = count.members, count.present, count.met
    meeting.recorded_by = actor
    if minutes_file is not None:
        meeting.minutes_file = minutes_file
    meeting.save()
    return meeting


def cancel(*, actor, meeting):
    _runs(actor, meeting.space)
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError(_("Solo se suspende una sesión convocada."))
    meeting.status = Meeting.Status.CANCELLED
    meeting.save(update_fields=["status"])
    return meeting


@transaction.atomic
def adopt(*, actor, meeting, text, responsible, due_on, proposed_by=None):
    """An agreement of a meeting held with quorum as a meeting with agreements; someone answers for it."""
    _runs(actor, meeting.space)
    if meeting.status != Meeting.Status.HELD or not meeting.decisive:
        raise ValidationError(_("Solo una sesión realizada con quórum, como sesión con acuerdos, adopta acuerdos."))
    if responsible is None:
        raise ValidationError(_("Un acuerdo tiene una organización responsable."))
    if not text.strip():
        raise ValidationError(_("Escriba el acuerdo."))
    if due_on < meeting.date:
        raise ValidationError(_("El plazo no puede ser anterior a la sesión."))
    space = Space.objects.select_for_update().get(pk=meeting.space_id)
    number = (space.accords.aggregate(n=Max("number"))["n"] or 0) + 1
    return Accord.objects.create(space=space, meeting=meeting, number=number, text=text.strip(),
                                 responsible=responsible, proposed_by=proposed_by, due_on=due_on)


@transaction.atomic
def follow(*, actor, accord, date, status, note, evidence=None):
    """What was done about an agreement; it takes the status reported (done and dropped close it)."""
    _runs(actor, accord.space)
    accord = Accord.objects.select_for_update().get(pk=accord.pk)
    if accord.status not in Accord.OPEN:
        raise ValidationError(_("Este acuerdo ya está cerrado (%(s)s).") % {"s": accord.get_status_display()})
    if status not in Accord.Status.values:
        raise ValidationError(_("Estado desconocido."))
    if date < accord.meeting.date:
        raise ValidationError(_("El seguimiento es posterior a la sesión que adoptó el acuerdo."))
    if not note.strip():
        raise ValidationError(_("Diga qué se hizo."))
    follow_up = FollowUp.objects.create(accord=accord, date=date, status=status, note=note.strip(), evidence=evidence,
                                        recorded_by=actor)
    accord.status = status
    accord.closed_on = date if status not in Accord.OPEN else None
    accord.save(update_fields=["status", "closed_on"])
    return follow_up


def overdue(accords, today):
    """The open agreements past their due date."""
    return [a for a in accords if a.overdue(today)]


@dataclass
class Participation:
    organisation: object
    meetings: int  # held while it was a member
    attended: int
    proposed: int
    responsible: int
    done: int

    @property
    def attendance_rate(self):
        return round(100 * self.attended / self.meetings) if self.meetings else None


def participation(space, start, end):
    """Each member organisation's part in the space between two days: meetings held while it was a
    member and attended, agreements it proposed, it answered for and carried out."""
    held = list(space.meetings.filter(status=Meeting.Status.HELD, date__range=(start, end)).prefetch_related(
        "attendance"))
    accords = list(space.accords.filter(meeting__date__range=(start, end)))
    rows = []
    memberships = space.memberships.filter(Q(left_on__isnull=True) | Q(left_on__gte=start), joined_on__lte=end)
    for membership in memberships.select_related("organisation"):
        organisation = membership.organisation
        theirs = [m for m in held if membership.active_on(m.date)]
        rows.append(Participation(
            organisation=organisation, meetings=len(theirs),
            attended=sum(1 for m in theirs if any(a.organisation_id == organisation.pk for a in m.attendance.all())),
            proposed=sum(1 for a in accords if a.proposed_by_id == organisation.pk),
            responsible=sum(1 for a in accords if a.responsible_id == organisation.pk),
            done=sum(1 for a in accords if a.responsible_id == organisation.pk and a.status == Accord.Status.DONE)))
    return rows


def add_photo(*, actor, meeting, file, caption=""):
    _runs(actor, meeting.space)
    if meeting.status != Meeting.Status.HELD:
        raise ValidationError(_("Las fotos son de una sesión realizada."))
    from .models import Photo

    return Photo.objects.create(meeting=meeting, file=file, caption=caption)
