"""Building blocks shared by the domain apps (core imports no domain app)."""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class TranslatedName(models.Model):
    """A catalogue entry kept as data (a value chain, a unit, a practice…) with its name in the four
    languages of the interface. Spanish is the source; the others fall back to it when empty."""

    name = models.CharField(_("nombre"), max_length=120)
    name_quz = models.CharField(_("nombre en quechua"), max_length=120, blank=True)
    name_fr = models.CharField(_("nombre en francés"), max_length=120, blank=True)
    name_en = models.CharField(_("nombre en inglés"), max_length=120, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.label

    @property
    def label(self):
        """The name in the page's language, Spanish when no translation was given."""
        language = (translation.get_language() or "es").split("-")[0]
        return getattr(self, f"name_{language}", "") or self.name
