"""Capacity building: training events (field schools, workshops, exchange visits), who attended —
persons of the registry or local actors who are not in it, and organisations — and the scores of
the evaluations before and after."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from minka.chains.models import Topic, not_in_future
from minka.people.models import Organisation, Person
from minka.territory.models import Territory


class Actor(models.TextChoices):
    FAMILY = "family", _("Familias productoras")
    LEADER = "leader", _("Autoridades y líderes comunales")
    GOVERNMENT = "government", _("Personal de gobiernos locales")
    ORGANISATION = "organisation", _("Organizaciones")


class Training(models.Model):
    class Kind(models.TextChoices):
        FIELD_SCHOOL = "field_school", _("Escuela de campo")
        WORKSHOP = "workshop", _("Taller")
        EXCHANGE = "exchange", _("Pasantía / intercambio")
        COURSE = "course", _("Curso")

    title = models.CharField(_("tema del evento"), max_length=200)
    kind = models.CharField(_("tipo"), max_length=16, choices=Kind.choices)
    topics = models.ManyToManyField(Topic, verbose_name=_("temas"), blank=True, related_name="trainings")
    start_date = models.DateField(_("inicio"), validators=[not_in_future])
    end_date = models.DateField(_("fin"))
    place = models.ForeignKey(Territory, verbose_name=_("lugar"), on_delete=models.PROTECT,
                              related_name="trainings")
    venue = models.CharField(_("local"), max_length=200, blank=True)
    organiser = models.ForeignKey(Organisation, verbose_name=_("organizador"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="trainings_organised")
    target_actors = models.JSONField(_("público objetivo"), default=list, blank=True)
    score_max = models.DecimalField(_("nota máxima de la evaluación"), max_digits=5, decimal_places=1,
                                    default=Decimal("20"), help_text=_("20 en la escala vigesimal peruana."))
    notes = models.TextField(_("observaciones"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registrado por"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    is_demo = models.BooleanField(_("dato de demostración"), default=False)
    history = HistoricalRecords(m2m_fields=[topics])

    class Meta:
        verbose_name = _("capacitación")
        verbose_name_plural = _("capacitaciones")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                   name="training_ends_after_start"),
            models.CheckConstraint(condition=models.Q(score_max__gt=0), name="training_score_max_positive"),
        ]

    def __str__(self):
        return f"{self.title} ({self.start_date})"

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("El evento no puede terminar antes de empezar.")})
        unknown = set(self.target_actors) - set(Actor.values)
        if unknown:
            raise ValidationError({"target_actors": _("Público desconocido: %(values)s")
                                   % {"values": ", ".join(sorted(unknown))}})

    def get_target_actors_display(self):
        return [Actor(a).label for a in self.target_actors]


class Participant(models.Model):
    """A person who attended: from the registry (`person`) or a local actor recorded by name."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(Person, verbose_name=_("persona del registro"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="trainings")
    name = models.CharField(_("nombre"), max_length=200)
    sex = models.CharField(_("sexo"), max_length=1, choices=Person.Sex.choices)
    actor = models.CharField(_("tipo de actor"), max_length=16, choices=Actor.choices, default=Actor.FAMILY)
    organisation = models.ForeignKey(Organisation, verbose_name=_("organización"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    pre_score = models.DecimalField(_("nota de entrada"), max_digits=5, decimal_places=1, null=True, blank=True)
    post_score = models.DecimalField(_("nota de salida"), max_digits=5, decimal_places=1, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participante")
        verbose_name_plural = _("participantes")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["training", "person"], condition=models.Q(person__isnull=False),
                                    name="participant_once_per_training"),
            models.CheckConstraint(condition=(models.Q(pre_score__isnull=True) | models.Q(pre_score__gte=0))
                                   & (models.Q(post_score__isnull=True) | models.Q(post_score__gte=0)),
                                   name="participant_scores_not_negative"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        for field in ("pre_score", "post_score"):
            value = getattr(self, field)
            if value is not None and (value < 0 or value > self.training.score_max):
                raise ValidationError({field: _("La nota va de 0 a %(max)s.") % {"max": self.training.score_max}})

    @property
    def gain(self):
        if self.pre_score is None or self.post_score is None:
            return None
        return self.post_score - self.pre_score


class OrganisationAttendance(models.Model):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="organisations")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organización"), on_delete=models.PROTECT,
                                     related_name="trainings_attended")
    delegates = models.PositiveSmallIntegerField(_("delegados"), default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organización participante")
        verbose_name_plural = _("organizaciones participantes")
        constraints = [models.UniqueConstraint(fields=["training", "organisation"], name="organisation_once_per_training")]
