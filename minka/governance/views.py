"""The pages of the concertation spaces: the spaces over the user's place with the calendar of their
meetings, a space with its members, meetings, agreements and each organisation's participation, and
a meeting with its attendance, quorum, minutes, agreements and photos."""

import datetime

from django.contrib import messages
from django.db.models import Count, Q, Sum
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minka.accounts.permissions import RUN_SPACES, VIEW_GOVERNANCE, can, has_capability
from minka.core.pages import stored_file, submitted

from . import selectors, services
from .forms import (AccordForm, FollowUpForm, HoldForm, MeetingForm, MemberForm, PhotoForm, RepresentativeForm,
                    SpaceForm)
from .models import Accord, Action, FollowUp, Meeting, Photo


def _space(user, code):
    return get_object_or_404(selectors.spaces_for(user), code=code)


@login_required
@require_http_methods(["GET", "POST"])
def space_list(request):
    if not has_capability(request.user, VIEW_GOVERNANCE):
        raise Http404
    today = timezone.localdate()
    form = SpaceForm(request.POST or None, user=request.user)
    space = submitted(request, form, has_capability(request.user, RUN_SPACES),
                      lambda data: services.create_space(actor=request.user, **data))
    if space is not None:
        return redirect("space_detail", code=space.code)
    spaces = selectors.spaces_for(request.user)
    upcoming = Meeting.objects.filter(space__in=spaces, status=Meeting.Status.PLANNED, date__gte=today).select_related(
        "space").order_by("date")[:8]
    return render(request, "governance/space_list.html", {
        "spaces": selectors.with_counts(spaces, today), "upcoming": upcoming, "form": form,
        "creates": has_capability(request.user, RUN_SPACES)})


@login_required
def calendar(request):
    """The meetings of a month in the user's spaces, week by week."""
    if not has_capability(request.user, VIEW_GOVERNANCE):
        raise Http404
    today = timezone.localdate()
    try:
        month = datetime.date.fromisoformat(request.GET.get("mes", "") + "-01")
    except ValueError:
        month = today.replace(day=1)
    meetings = list(selectors.month_meetings(selectors.spaces_for(request.user), month))
    start = month - datetime.timedelta(days=month.weekday())
    weeks, day = [], start
    while day < month or day.month == month.month or day.weekday() != 0:
        if day.weekday() == 0:
            weeks.append([])
        weeks[-1].append((day, [m for m in meetings if m.date == day]))
        day += datetime.timedelta(days=1)
    previous = (month - datetime.timedelta(days=1)).replace(day=1)
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    return render(request, "governance/calendar.html", {
        "month": month, "weeks": weeks, "meetings": meetings, "today": today,
        "previous": previous.strftime("%Y-%m"), "following": following.strftime("%Y-%m")})


@login_required
@require_http_methods(["GET", "POST"])
def space_detail(request, code):
    space = _space(request.user, code)
    runs = can(request.user, RUN_SPACES, space.territory)
    today = timezone.localdate()
    action = request.POST.get("action") if request.method == "POST" else None
    post = request.POST if action else None
    member_form = MemberForm(post if action == "join" else None, space=space)
    representative_form = RepresentativeForm(post if action == "represent" else None, space=space)
    meeting_form = MeetingForm(post if action == "schedule" else None)
    target = None
    if action == "follow":
        target = get_object_or_404(Accord, space=space, pk=request.POST.get("accord"))
    follow_form = FollowUpForm(post if action == "follow" else None, request.FILES if action == "follow" else None)
    acts = {
        "join": (member_form, lambda data: services.join(actor=request.user, space=space, **data)),
        "represent": (representative_form, lambda data: services.add_representative(actor=request.user, **data)),
        "schedule": (meeting_form, lambda data: services.schedule(actor=request.user, space=space, **data)),
        "follow": (follow_form, lambda data: services.follow(actor=request.user, accord=target, **data)),
    }
    if action == "leave":
        if not runs:
            raise Http404
        membership = get_object_or_404(space.memberships, pk=request.POST.get("membership"))
        try:
            services.leave(actor=request.user, membership=membership, date=today)
        except ValidationError as error:  # a refusal of the service, shown above the page
            messages.error(request, " ".join(error.messages))
        return redirect("space_detail", code=code)
    if action in acts:
        form, act = acts[action]
        done = submitted(request, form, runs, act)
        if done is not None:
            messages.success(request, _("Hecho."))
            if action == "schedule":
                return redirect("meeting_detail", code=code, number=done.number)
            return redirect("space_detail", code=code)
    elif action is not None:
        raise Http404
    try:
        year = int(request.GET.get("año", today.year))
    except ValueError:
        year = today.year
    accords = list(space.accords.select_related("responsible", "proposed_by", "meeting").prefetch_related(
        "follow_ups"))
    shown = request.GET.get("acuerdos", "abiertos")
    if shown == "abiertos":
        accords = [a for a in accords if a.status in Accord.OPEN]
    elif shown == "vencidos":
        accords = services.overdue(accords, today)
    for accord in accords:  # each open one its follow-up form (the one just sent keeps its errors)
        accord.late, accord.open = accord.overdue(today), accord.status in Accord.OPEN
        accord.form = follow_form if target is not None and target.pk == accord.pk else FollowUpForm()
    memberships = space.memberships.select_related("organisation").prefetch_related("representatives").order_by(
        "left_on", "organisation__name")
    return render(request, "governance/space_detail.html", {
        "space": space, "runs": runs, "today": today, "memberships": memberships,
        "meetings": space.meetings.order_by("-date"), "accords": accords, "shown": shown, "target": target,
        "participation": services.participation(space, datetime.date(year, 1, 1), datetime.date(year, 12, 31)),
        "year": year, "years": range(today.year, space.founded_on.year - 1, -1),
        "next": selectors.next_meeting(space, today), "member_form": member_form,
        "representative_form": representative_form, "meeting_form": meeting_form, "follow_form": follow_form,
        "quorum": services.quorum(space, today, []), "action": action})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_detail(request, code, number):
    space = _space(request.user, code)
    meeting = get_object_or_404(space.meetings, number=number)
    runs = can(request.user, RUN_SPACES, space.territory)
    action = request.POST.get("action") if request.method == "POST" else None
    files = request.FILES if action else None
    hold_form = HoldForm(request.POST if action == "hold" else None, files if action == "hold" else None,
                         meeting=meeting)
    accord_form = AccordForm(request.POST if action == "adopt" else None, space=space)
    photo_form = PhotoForm(request.POST if action == "photo" else None, files if action == "photo" else None)
    acts = {
        "hold": (hold_form, lambda data: services.hold(
            actor=request.user, meeting=meeting, attendees=data["attendees"], minutes=data["minutes"],
            decisive=data["decisive"], minutes_file=data["minutes_file"])),
        "adopt": (accord_form, lambda data: services.adopt(actor=request.user, meeting=meeting, **data)),
        "photo": (photo_form, lambda data: services.add_photo(actor=request.user, meeting=meeting, **data)),
    }
    if action == "cancel":
        if not runs:
            raise Http404
        try:
            services.cancel(actor=request.user, meeting=meeting)
        except ValidationError as error:  # already held or called off (a second click)
            messages.error(request, " ".join(error.messages))
        return redirect("meeting_detail", code=code, number=number)
    if action in acts:
        form, act = acts[action]
        if submitted(request, form, runs, act) is not None:
            messages.success(request, _("Hecho."))
            return redirect("meeting_detail", code=code, number=number)
    elif action is not None:
        raise Http404
    attendance = list(meeting.attendance.select_related("organisation"))
    return render(request, "governance/meeting_detail.html", {
        "space": space, "meeting": meeting, "runs": runs, "attendance": attendance,
        "women": sum(1 for a in attendance if a.sex == "F"), "men": sum(1 for a in attendance if a.sex == "M"),
        "organisations": sorted({a.organisation.name for a in attendance if a.organisation}),
        "accords": meeting.accords.select_related("responsible", "proposed_by"), "photos": meeting.photos.all(),
        "hold_form": hold_form, "accord_form": accord_form, "photo_form": photo_form,
        "quorum": services.quorum(space, meeting.date, []) if meeting.status == Meeting.Status.PLANNED else None})


@login_required
def space_file(request, code, kind, pk):
    """A meeting's signed minutes or photo, an agreement's evidence: to those who see the space."""
    space = _space(request.user, code)
    if kind == "acta":
        stored = get_object_or_404(Meeting, space=space, pk=pk).minutes_file
    elif kind == "foto":
        stored = get_object_or_404(Photo, meeting__space=space, pk=pk).file
    elif kind == "evidencia":
        stored = get_object_or_404(FollowUp, accord__space=space, pk=pk).evidence
    else:
        raise Http404
    return stored_file(stored)


def space_public(request, code):
    """The space's public accountability page: its member organisations, meetings and attendance (counts),
    the agreements and how far they are, the next meeting; no person's name."""
    from .models import Space

    space = get_object_or_404(Space.objects.select_related("territory", "watershed"), code=code)
    today = timezone.localdate()
    accords = list(space.accords.select_related("responsible", "meeting").order_by("-number"))
    for accord in accords:
        accord.late = accord.overdue(today)
    held = space.meetings.filter(status=Meeting.Status.HELD).annotate(
        women=Count("attendance", filter=Q(attendance__sex="F")),
        men=Count("attendance", filter=Q(attendance__sex="M"))).order_by("-date")
    counts = {status: sum(1 for a in accords if a.status == status) for status in Accord.Status.values}
    from . import planning

    plan = space.plans.order_by("-first_year").first()
    return render(request, "governance/space_public.html", {
        "plan": plan, "tree": planning.tree(plan) if plan else None,
        "space": space, "today": today, "accords": accords, "held": held, "counts": counts,
        "late": sum(1 for a in accords if a.late), "next": selectors.next_meeting(space, today),
        "members": services.members_on(space, today).select_related("organisation").order_by("organisation__name")})


@login_required
@require_http_methods(["GET", "POST"])
def development_plan(request, code):
    """The space's local development plan as a tree (objectives, programmes, actions) with the progress
    of each and how it adds up; those who keep the mesa's records write it and say how far actions are."""
    from . import planning
    from .forms import ActionForm, ActionUpdateForm, ObjectiveForm, PlanForm, ProgrammeForm

    space = _space(request.user, code)
    runs = can(request.user, RUN_SPACES, space.territory)
    plan = space.plans.order_by("-first_year").first()
    action = request.POST.get("action") if request.method == "POST" else None
    post = request.POST if action else None
    if plan is None:
        form = PlanForm(post if action == "plan" else None)
        if action == "plan" and submitted(request, form, runs, lambda data: planning.create_plan(
                actor=request.user, space=space, **data)):
            return redirect("development_plan", code=code)
        if action not in (None, "plan"):
            raise Http404
        return render(request, "governance/development_plan.html", {"space": space, "runs": runs, "plan_form": form})
    target = None
    if action == "update":
        target = get_object_or_404(Action, programme__objective__plan=plan, pk=request.POST.get("target"))
    forms = {
        "objective": ObjectiveForm(post if action == "objective" else None),
        "programme": ProgrammeForm(post if action == "programme" else None, plan=plan),
        "add": ActionForm(post if action == "add" else None, plan=plan),
        "update": ActionUpdateForm(post if action == "update" else None),
    }
    acts = {
        "objective": lambda data: planning.add_objective(actor=request.user, plan=plan, **data),
        "programme": lambda data: planning.add_programme(actor=request.user, **data),
        "add": lambda data: planning.add_action(actor=request.user, **data),
        "update": lambda data: planning.update_action(actor=request.user, action=target, **data),
    }
    if action in acts:
        if submitted(request, forms[action], runs, acts[action]) is not None:
            messages.success(request, _("Hecho."))
            return redirect("development_plan", code=code)
    elif action is not None:
        raise Http404
    whole = planning.tree(plan)
    for objective in whole.children:
        for programme in objective.children:
            for node in programme.children:
                node.form = forms["update"] if target is not None and target.pk == node.item.pk else \
                    ActionUpdateForm(initial={"progress": node.item.progress, "status": node.item.status})
    return render(request, "governance/development_plan.html", {
        "space": space, "runs": runs, "plan": plan, "tree": whole, "forms": forms, "action": action,
        "target": target})


# Programs and budgets -------------------------------------------------------------------------------

def _programs(user):
    from minka.accounts.permissions import MANAGE_BUDGETS, overlap_q

    from .models import Program

    return Program.objects.filter(overlap_q(user, "territory__path", MANAGE_BUDGETS))


@login_required
def program_list(request):
    from minka.accounts.permissions import MANAGE_BUDGETS

    from . import budgets

    if not has_capability(request.user, MANAGE_BUDGETS):
        raise Http404
    programs = list(_programs(request.user))
    for program in programs:
        program.rows, program.total = budgets.execution(program)
    return render(request, "governance/program_list.html", {"programs": programs})


@login_required
@require_http_methods(["GET", "POST"])
def program_detail(request, code):
    """A program's budget: execution by axis and year in euros, its lines and expenses, the rates of the
    euro, and the axes' indicators against their targets; the funder report from here."""
    from minka.accounts.permissions import MANAGE_BUDGETS

    from . import budgets
    from .forms import BudgetLineForm, ExpenseForm, RateForm
    from .models import BudgetLine, Expense

    program = get_object_or_404(_programs(request.user), code=code)
    manages = can(request.user, MANAGE_BUDGETS, program.territory)
    action = request.POST.get("action") if request.method == "POST" else None
    post = request.POST if action else None
    forms = {"line": BudgetLineForm(post if action == "line" else None, program=program),
             "spend": ExpenseForm(post if action == "spend" else None, program=program),
             "rate": RateForm(post if action == "rate" else None)}
    acts = {"line": lambda data: budgets.add_line(actor=request.user, **data),
            "spend": lambda data: budgets.spend(actor=request.user, **data),
            "rate": lambda data: budgets.record_rate(actor=request.user, **data)}
    if action == "close":
        if not manages:
            raise Http404
        budgets.close_line(actor=request.user, line=get_object_or_404(BudgetLine, axis__program=program,
                                                                       pk=request.POST.get("line")))
        return redirect("program_detail", code=code)
    if action in acts:
        if submitted(request, forms[action], manages, acts[action]) is not None:
            messages.success(request, _("Hecho."))
            return redirect("program_detail", code=code)
    elif action is not None:
        raise Http404
    from minka.books.models import ExchangeRate

    year = _year(request)
    rows, total = budgets.execution(program, year)
    lines = BudgetLine.objects.filter(axis__program=program).select_related("axis").annotate(
        spent=Sum("expenses__amount_eur")).order_by("-year", "axis__number", "label")
    expenses = Expense.objects.filter(line__axis__program=program).select_related("line__axis").order_by("-date")
    if year is not None:
        lines, expenses = lines.filter(year=year), expenses.filter(line__year=year)
    years = sorted(set(BudgetLine.objects.filter(axis__program=program).values_list("year", flat=True)), reverse=True)
    return render(request, "governance/program_detail.html", {
        "program": program, "manages": manages, "rows": rows, "total": total, "year": year, "years": years,
        "lines": lines, "expenses": expenses[:50], "forms": forms, "action": action,
        "rates": ExchangeRate.objects.filter(currency="EUR").order_by("-date")[:5],
        "axes": budgets.axes_with_indicators(program)})


def _year(request):
    try:
        return int(request.GET["año"])
    except (KeyError, ValueError):
        return None


@login_required
def program_report(request, code, fmt):
    """The funder report: budget against spending by axis and year, and the axes' indicators against
    their targets; XLSX or PDF (Spanish or French)."""
    from django.conf import settings

    from minka.core.pages import pdf_response, spreadsheet_response

    from . import budgets

    program = get_object_or_404(_programs(request.user), code=code)
    year = _year(request)
    report = budgets.funder_report(program, year)
    if fmt == "pdf":
        language = request.GET.get("lang") if request.GET.get("lang") in dict(settings.LANGUAGES) else "es"
        return pdf_response("governance/program_report_pdf.html", report, language,
                            f"{program.code}-{year or 'todo'}.pdf")
    if fmt not in ("xlsx", "csv"):
        raise Http404
    return spreadsheet_response(fmt, f"{program.code}-{year or 'todo'}", _("Informe al financiador"),
                                budgets.REPORT_COLUMNS, budgets.report_rows(report))
