from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "minka.learning"
    verbose_name = _("Capacitaciones")

    def ready(self):
        from minka.people.timeline import register

        from .timeline import training_story

        register(training_story)
