"""The wheel carries the catalog and resources and works outside the checkout."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installs_into_a_fresh_venv_and_checks_its_catalog(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("ksad_player-*.whl"))
    env_dir = tmp_path / "fresh"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    subprocess.run(
        [py, "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    # The dependencies come from this environment's site-packages, read-only: the project
    # itself can only come from the wheel (an editable install's .pth is not processed here).
    deps = sysconfig.get_paths()["purelib"]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    r = subprocess.run(
        [env_dir / "bin" / "ksad-player", "catalog", "check"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": deps, "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert r.returncode == 0, r.stderr
    assert "40 entries" in r.stdout
    assert str(env_dir) in r.stdout and str(ROOT) not in r.stdout
    res = subprocess.run(
        [py, "-c", "from ksad_player.core.paths import resources_dir; print(resources_dir())"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": deps},
        cwd=elsewhere,
    )
    assert (
        res.stdout.strip().startswith(str(env_dir)) and Path(res.stdout.strip(), "icons").is_dir()
    )
