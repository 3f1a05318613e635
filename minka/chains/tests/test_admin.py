import pytest
from django.urls import reverse

from minka.conftest import make_user


@pytest.mark.parametrize("model", ["chains/unit", "chains/measure", "chains/practice", "chains/transitionrule",
                                   "chains/topic", "chains/incomesource", "learning/training",
                                   "territory/infrastructure"])
def test_the_catalogue_is_kept_in_the_admin(client, places, model):
    admin = make_user("root", "admin", places["pe"], staff=True)
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    app, name = model.split("/")
    assert client.get(reverse(f"admin:{app}_{name}_changelist")).status_code == 200
