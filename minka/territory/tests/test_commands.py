import pytest
from django.core.management import CommandError, call_command

from minka.territory.models import Territory


def test_import_command_lists_errors_and_imports_nothing(places, tmp_path, capsys):
    bad = tmp_path / "communities.csv"
    bad.write_text("code,name,parent_code\n081210-C40,Upis,081210\n081210-C41,,081210\n")
    with pytest.raises(CommandError, match="Nada fue importado"):
        call_command("import_territory", "communities", str(bad))
    assert "línea 3" in capsys.readouterr().err
    assert not Territory.objects.filter(code="081210-C40").exists()
    good = tmp_path / "ok.csv"
    good.write_text("code,name,parent_code\n081210-C40,Upis,081210\n")
    call_command("import_territory", "communities", str(good), "--demo")
    assert Territory.objects.get(code="081210-C40").is_demo


@pytest.mark.django_db
def test_load_territory_command_loads_the_country():
    call_command("load_territory")
    assert Territory.objects.get(code="080205").geometry is not None
