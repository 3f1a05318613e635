"""The demo's community validations: Ocongate's communities went through their figures in their
assemblies; one of them contested a figure. Only ever for a demo."""

from django.contrib.auth import get_user_model

from minka.territory.models import Territory

from . import validation

# community code: (who records it, on whose behalf)
ASSEMBLIES = {
    "081210-C01": ("tecnico", "Asamblea comunal de Tinki"),
    "081210-C02": ("tecnico", "Asamblea comunal de Mahuayani"),
    "081210-C03": ("comunidad", ""),
}


def validate_demo_figures():
    users = {user.username: user for user in get_user_model().objects.filter(
        username__in={who for who, _name in ASSEMBLIES.values()})}
    words = 0
    for code, (who, spoken_by) in ASSEMBLIES.items():
        community = Territory.objects.filter(code=code).first()
        if community is None or who not in users:
            continue
        for number, figure in enumerate(validation.community_figures(community)):
            contested = code == "081210-C03" and number == 1
            validation.record(
                users[who], community, figure.indicator, figure.value.period,
                "contested" if contested else "confirmed",
                comment="Faltan familias que se inscribieron en la última asamblea." if contested else "",
                spoken_by=spoken_by)
            words += 1
    return words
