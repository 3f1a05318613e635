"""Turning what people type (in a form, a spreadsheet or a phone) into a measure's value: decimal
commas, yes/no in Spanish or Quechua, options by code or by name, and units converted."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Measure

YES = {"1", "true", "si", "sí", "yes", "oui", "ari", "arí", "x"}
NO = {"0", "false", "no", "non", "mana"}


def parse_number(text):
    """A decimal from `3.5`, `3,5` or `1 200,5`; ValueError otherwise."""
    if isinstance(text, Decimal):
        return text
    if isinstance(text, (int, float)):
        return Decimal(str(text))
    cleaned = str(text).strip().replace(" ", "").replace("\u00a0", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text)
    if not value.is_finite():
        raise ValueError(text)
    return value


def clean_value(measure, raw, unit=None):
    """(number, text) for the measure, in the measure's own unit. Raises ValidationError with a
    message naming the measure when the value is not a value of it or lies outside its range."""
    label = measure.label
    if measure.is_numeric:
        try:
            number = parse_number(raw)
        except ValueError:
            raise ValidationError(_("%(measure)s: «%(value)s» no es un número.") % {"measure": label, "value": raw})
        if unit is not None and measure.unit_id and unit.pk != measure.unit_id:
            if unit.dimension != measure.unit.dimension:
                raise ValidationError(_("%(measure)s se mide en %(unit)s, no en %(given)s.")
                                      % {"measure": label, "unit": measure.unit.symbol, "given": unit.symbol})
            number = unit.convert(number, measure.unit)
        if measure.value_type == Measure.ValueType.INTEGER and number != number.to_integral_value():
            raise ValidationError(_("%(measure)s: se espera un número entero, no %(value)s.")
                                  % {"measure": label, "value": raw})
        if number < 0 and (measure.min_value is None or measure.min_value >= 0):
            raise ValidationError(_("%(measure)s no puede ser negativo (%(value)s).") % {"measure": label, "value": raw})
        symbol = measure.unit.symbol
        if measure.min_value is not None and number < measure.min_value:
            raise ValidationError(_("%(measure)s: %(value)s %(unit)s es menos que el mínimo posible (%(limit)s %(unit)s).")
                                  % {"measure": label, "value": _plain(number), "unit": symbol,
                                     "limit": _plain(measure.min_value)})
        if measure.max_value is not None and number > measure.max_value:
            raise ValidationError(_("%(measure)s: %(value)s %(unit)s es más que el máximo posible (%(limit)s %(unit)s).")
                                  % {"measure": label, "value": _plain(number), "unit": symbol,
                                     "limit": _plain(measure.max_value)})
        return number.quantize(Decimal("0.0001")), ""
    text = str(raw).strip()
    if measure.value_type == Measure.ValueType.BOOLEAN:
        lowered = text.lower()
        if lowered in YES:
            return None, "true"
        if lowered in NO:
            return None, "false"
        raise ValidationError(_("%(measure)s: responda sí o no, no «%(value)s».") % {"measure": label, "value": text})
    if measure.value_type == Measure.ValueType.CHOICE:
        for choice in measure.choices:  # by code or by its name in any language
            if text.lower() in {str(word).lower() for word in choice if word}:
                return None, str(choice[0])
        raise ValidationError(_("%(measure)s: «%(value)s» no es una de las opciones (%(options)s).")
                              % {"measure": label, "value": text,
                                 "options": ", ".join(str(c[0]) for c in measure.choices)})
    if len(text) > 255:
        raise ValidationError(_("%(measure)s: el texto es demasiado largo.") % {"measure": label})
    return None, text


def _plain(number):
    return f"{number.normalize():f}"
