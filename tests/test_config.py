import os
import subprocess
import sys

import pytest

import helpers
from helpers import config


def test_profile_pick_and_names():
    assert config.Profile("fast").pick(full=8, fast=1) == 1
    assert config.Profile("full").pick(full=8, fast=1) == 8
    assert config.get_profile("fast").is_fast


def test_unknown_profile_is_named():
    with pytest.raises(ValueError, match=r"COURSE_PROFILE.*'full', 'fast'.*'turbo'"):
        config.get_profile("turbo")


def test_default_profile_is_full(monkeypatch):
    monkeypatch.delenv("COURSE_PROFILE", raising=False)
    assert config.get_profile().name == "full"


def test_set_seed_makes_numpy_reproducible():
    import numpy as np

    helpers.set_seed(3)
    a = np.random.rand(3)
    helpers.set_seed(3)
    assert np.array_equal(a, np.random.rand(3))
    with pytest.raises(ValueError, match="seed"):
        helpers.set_seed(-1)


def test_record_prints_and_logs(tmp_path, monkeypatch, capsys):
    log = tmp_path / "metrics.jsonl"
    monkeypatch.setenv("COURSE_METRICS_FILE", str(log))
    helpers.record("00 test metric", 0.12345, "s")
    assert "00 test metric: 0.123 s" in capsys.readouterr().out
    assert '"name": "00 test metric"' in log.read_text()
    with pytest.raises(TypeError, match="value"):
        helpers.record("x", "high")


def test_setup_report_has_versions(capsys):
    report = helpers.setup(verbose=True)
    assert {"tensorflow", "keras", "numpy", "profile", "cpu cores"} <= set(report)
    assert "keras" in capsys.readouterr().out


def test_import_helpers_then_tensorflow_is_silent():
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    result = subprocess.run([sys.executable, "-c", "import helpers, tensorflow as tf; tf.constant(1.0) + 1"],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", f"stderr was not empty:\n{result.stderr}"


def test_lazy_submodules_and_unknown_name():
    assert helpers.text.tokenize("Hi!") == ["hi", "!"]
    with pytest.raises(AttributeError, match="no attribute or submodule 'nope'"):
        helpers.nope
