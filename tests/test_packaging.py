"""The installable package: what pyproject.toml ships, and a non-editable install that runs from anywhere."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from hcbench.paths import REPO_ROOT
from simulators import prebuilt

tomllib = pytest.importorskip("tomllib")  # Python >= 3.11

SHIPPED = ("hcbench", "simulators", "baselines", "conf", "pyproject.toml", "README.md")  # what a build reads


def _setuptools() -> dict:
    return tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_every_folder_of_python_code_is_a_listed_package():
    code_folders = {path.parent for top in ("hcbench", "simulators", "baselines")
                    for path in (REPO_ROOT / top).rglob("*.py") if "__pycache__" not in path.parts}
    named = {".".join(folder.relative_to(REPO_ROOT).parts) for folder in code_folders}
    assert named <= set(_setuptools()["packages"])


def test_the_configs_ship_as_the_package_hcbench_conf():
    setuptools = _setuptools()
    assert "hcbench.conf" in setuptools["packages"] and setuptools["package-dir"]["hcbench.conf"] == "conf"
    depths = {len(path.relative_to(REPO_ROOT / "conf").parts) for path in (REPO_ROOT / "conf").rglob("*")
              if path.is_file()}
    assert depths <= {1, 2, 3} and set(setuptools["package-data"]["hcbench.conf"]) == {
        "*.yaml", "*/*.yaml", "*/*/*.yaml"}  # one pattern per depth
    assert not [p for p in (REPO_ROOT / "conf").rglob("*") if p.is_file() and p.suffix != ".yaml"]


def test_both_packages_say_they_are_typed():
    data = _setuptools()["package-data"]
    for package in ("hcbench", "simulators"):
        assert (REPO_ROOT / package / "py.typed").is_file() and "py.typed" in data[package]


def test_every_preset_file_is_package_data():
    """The shipped models (generators, vqvae, clap_corpus) are data files: each must match a package-data pattern."""
    patterns = _setuptools()["package-data"]["hcbench"]
    files = [p.relative_to(REPO_ROOT / "hcbench") for p in (REPO_ROOT / "hcbench" / "models" / "presets").rglob("*")
             if p.is_file()]
    assert any(f.parts[2] == "clap_corpus" for f in files)
    assert not [f for f in files if not any(f.match(pattern) and len(f.parts) == len(Path(pattern).parts)
                                            for pattern in patterns)]


@pytest.mark.slow
def test_a_non_editable_install_runs_outside_the_checkout(tmp_path):
    pytest.importorskip("setuptools", reason="--no-build-isolation builds with this environment's setuptools")
    python, hcbench = _install_non_editable(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "HCBENCH_CONF", "PYTHONHOME")}

    def run(*command):
        result = subprocess.run(command, cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    where = run(python, "-c", "import hcbench, simulators; from hcbench.paths import conf_dir; "
                              "from simulators.prebuilt import FOLDER; "
                              "print(hcbench.__file__, simulators.__file__, conf_dir(), *sorted(FOLDER.glob('*.npz')))")
    paths = [Path(p) for p in where.split()]
    shipped = sorted(p.name for p in prebuilt.FOLDER.glob("*.npz"))  # the checkout's
    assert [p.name for p in paths[3:]] == shipped, where  # every shipped reference, one per embedder and CPU kind
    assert all(p.is_relative_to(tmp_path / "venv") for p in paths), where  # not the checkout
    assert (paths[0].parent / "py.typed").is_file() and (paths[1].parent / "py.typed").is_file()

    job = run(hcbench, "run", "--cfg", "job", "experiment=smoke")
    assert "experiment_name: smoke" in job and "finetune:" in job and "loop:" in job and "raters:" in job
    job = run(hcbench, "sweep-report", "--cfg", "job", "multirun_dir=sweep")
    assert "multirun_dir: sweep" in job
    job = run(hcbench, "generate", "--cfg", "job")
    assert "strength: 0.5" in job and "name: small" in job and "mel:" in job
    run(hcbench, "generate", "model=tiny", "model.steps=2", "n=1", "out=songs")  # the shipped preset loads
    assert len(list((elsewhere / "songs").glob("sample_*.wav"))) == 1
    clap = run(python, "-c", "from simulators.embedders.clap import ClapEmbedder; e = ClapEmbedder('clap_corpus'); "
                             "print(e.config.path, e.embed_text(['slow music played on organ']).shape)")
    assert Path(clap.split()[0]).is_relative_to(tmp_path / "venv") and "(1, 32)" in clap  # the shipped CLAP loads
    key = run(python, "-c", "from simulators.embedders.clap import ClapEmbedder; print(ClapEmbedder('clap_corpus').cache_key)")
    assert any(key.strip() in p.name for p in paths[3:]), (key, where)  # the installed CLAP finds its shipped reference


def _install_non_editable(tmp_path: Path) -> tuple[Path, Path]:
    """A venv that sees this interpreter's packages (torch etc.), with hcbench built from a copy of the tree."""
    source = tmp_path / "source"  # a copy: the build writes build/ and *.egg-info beside the sources
    source.mkdir()
    for name in SHIPPED:
        if (REPO_ROOT / name).is_dir():
            shutil.copytree(REPO_ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(REPO_ROOT / name, source / name)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(venv)], check=True)
    python = venv / "bin" / "python"
    # Where this interpreter runs in a venv itself, --system-site-packages reaches the base Python's
    # packages, not this venv's: name this environment's folders too (plain paths: its .pth files,
    # an editable hcbench's among them, are not run).
    site_packages = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                   capture_output=True, text=True, check=True).stdout.strip()
    here = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site_packages) / "outer_environment.pth").write_text("\n".join(sorted(here)) + "\n")
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    install = subprocess.run([python, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index",
                              "--quiet", str(source)], env=env, capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stderr[-3000:]
    return python, venv / "bin" / "hcbench"
