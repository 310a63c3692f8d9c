import pytest

from hcbench import paths


def _conf(folder):
    folder.mkdir(parents=True)
    (folder / "pretrain.yaml").write_text("seed: 0\n")
    return folder


def test_the_checkouts_conf_serves_an_editable_install(monkeypatch):
    monkeypatch.delenv("HCBENCH_CONF", raising=False)
    assert not paths.INSTALLED_CONF.exists()  # the checkout never holds hcbench/conf; a wheel does
    assert paths.conf_dir() == paths.REPO_ROOT / "conf"


def test_an_installed_copy_comes_before_a_conf_beside_the_package(monkeypatch, tmp_path):
    monkeypatch.delenv("HCBENCH_CONF", raising=False)
    monkeypatch.setattr(paths, "INSTALLED_CONF", _conf(tmp_path / "site-packages" / "hcbench" / "conf"))
    monkeypatch.setattr(paths, "CHECKOUT_CONF", _conf(tmp_path / "site-packages" / "conf"))  # another package's
    assert paths.conf_dir() == tmp_path / "site-packages" / "hcbench" / "conf"


def test_hcbench_conf_overrides_both(monkeypatch, tmp_path):
    monkeypatch.setenv("HCBENCH_CONF", str(_conf(tmp_path / "mine")))
    assert paths.conf_dir() == tmp_path / "mine"


def test_a_missing_config_tree_names_the_fixes(monkeypatch, tmp_path):
    monkeypatch.setenv("HCBENCH_CONF", str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match=r"nowhere; reinstall the project .* or set HCBENCH_CONF"):
        paths.conf_dir()
