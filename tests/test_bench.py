"""make bench / make bench-compare: metric collection, medians, the table format, regressions.

Unit level: nothing here executes a notebook (the lead runs `make bench` itself).
"""
import json
import os
from pathlib import Path

import pytest

from bench import compare, run, table

ROOT = Path(__file__).resolve().parents[1]


def write_metrics(path, *records, extra=""):
    path.write_text("".join(json.dumps(r) + "\n" for r in records) + extra, encoding="utf-8")
    return path


def test_read_metrics_keeps_the_last_value_per_name(tmp_path):
    path = write_metrics(tmp_path / "m.jsonl",
                         {"name": "03 max |diff|", "value": 2e-7, "unit": "", "profile": "fast"},
                         {"name": "03 accuracy", "value": 0.5, "unit": "%", "profile": "fast"},
                         {"name": "03 accuracy", "value": 0.75, "unit": "%", "profile": "fast"}, extra="\n")
    assert run.read_metrics(path) == {"03 max |diff|": {"value": 2e-7, "unit": ""},
                                      "03 accuracy": {"value": 0.75, "unit": "%"}}
    assert run.read_metrics(tmp_path / "absent.jsonl") == {}


def test_read_metrics_names_a_broken_line(tmp_path):
    path = write_metrics(tmp_path / "m.jsonl", {"name": "a", "value": 1}, extra="not json\n")
    with pytest.raises(ValueError, match="line 2"):
        run.read_metrics(path)


def test_helpers_record_writes_what_bench_reads(tmp_path, monkeypatch):
    import helpers

    path = tmp_path / "metrics.jsonl"
    monkeypatch.setenv("COURSE_METRICS_FILE", str(path))
    helpers.record("00 test accuracy", 0.875, "%")
    helpers.record("00 test bits per character", 2.5)
    assert run.read_metrics(path) == {"00 test accuracy": {"value": 0.875, "unit": "%"},
                                      "00 test bits per character": {"value": 2.5, "unit": ""}}


def test_repeats_defaults_and_override():
    assert run.repeats("fast", {}) == 3 and run.repeats("full", {}) == 1
    assert run.repeats("full", {"REPEATS": "5"}) == 5
    for bad in ("0", "two", "-1"):
        with pytest.raises(ValueError, match="REPEATS"):
            run.repeats("fast", {"REPEATS": bad})


def test_summarize_takes_medians_and_judges_the_budget():
    runs = [{"seconds": s, "peak_mib": m, "error": None,
             "metrics": {"01 accuracy": {"value": v, "unit": ""}}}
            for s, m, v in [(10.0, 500.0, 0.5), (40.0, 700.0, 0.7), (12.0, 600.0, 0.6)]]
    row, metrics = run.summarize(runs, "fast")
    assert row == {"seconds": 12.0, "peak_mib": 600.0, "status": "pass"}
    assert metrics == {"01 accuracy": {"value": 0.6, "unit": ""}}
    slow, _ = run.summarize([dict(runs[1])], "fast")
    assert slow["status"] == "FAIL"
    broken, _ = run.summarize([dict(runs[0], error="CellExecutionError: boom")], "full")
    assert broken["status"].startswith("error") and "boom" in broken["status"]


def test_peak_sampler_sees_this_process():
    assert run.tree_rss(os.getpid()) > 10 * 2**20
    assert run.tree_rss(2**22 + 12345) == 0                      # no such process
    sampler = run.PeakSampler(os.getpid, interval=0.01)
    sampler.start()
    assert sampler.stop() > 0


def test_machine_report_names_the_context():
    info = run.machine({})
    for key in ("CPU cores", "CPU model", "RAM (GiB)", "TensorFlow", "Keras", "repeats"):
        assert info[key]
    assert info["CPU cores"] == str(os.cpu_count())


def test_notebooks_are_found_by_pattern(tmp_path):
    for name in ("02_b.ipynb", "01_a.ipynb", "scratch.ipynb", "1_bad.ipynb"):
        (tmp_path / name).write_text("{}", encoding="utf-8")
    assert [p.name for p in run.lesson_notebooks(tmp_path)] == ["01_a.ipynb", "02_b.ipynb"]


def sample(**changes):
    bench = {
        "date": "2026-11-22 05:00 UTC",
        "machine": {"CPU cores": "2", "CPU model": "AMD | test", "TensorFlow": "2.21.0"},
        "notebooks": {
            "01_fixed_window": {"fast": {"seconds": 10.0, "peak_mib": 800.0, "status": "pass"},
                                "full": {"seconds": 60.0, "peak_mib": 900.0, "status": "pass"}},
            "07_music": {"fast": {"seconds": 20.0, "peak_mib": 1000.0, "status": "pass"},
                         "full": {"seconds": None, "peak_mib": None, "status": "-"}},
        },
        "metrics": {
            "01_fixed_window": {"01 minimal-pair accuracy": {"unit": "", "fast": 0.5, "full": 0.9},
                                "01 max |diff| vs Keras": {"unit": "", "fast": 1e-7, "full": 2e-7}},
            "07_music": {"07 bits per character": {"unit": "bits", "fast": 4.0, "full": 2.1},
                         "07 tunes sampled": {"unit": "", "fast": 2.0, "full": 20.0}},
        },
    }
    for path, value in changes.items():
        *keys, last = path.split("/")
        node = bench
        for key in keys:
            node = node[key]
        node[last] = value
    return bench


def test_table_round_trips():
    bench = sample()
    text = table.render(bench)
    assert "| 01_fixed_window | 10 | 60 | 800 | 900 | pass | pass |" in text
    assert "AMD \\| test" in text and "max \\|diff\\|" in text
    assert table.parse(text) == bench


def test_render_without_metrics_says_so():
    assert "No lesson recorded a metric." in table.render(dict(sample(), metrics={}))


def test_split_row_handles_escaped_bars():
    assert table.split_row("| a \\| b | c |") == ["a | b", "c"]


@pytest.mark.parametrize("name, sign", [
    ("01 minimal-pair accuracy", 1), ("07 playable rate", 1), ("09 exact match", 1),
    ("07 share of tunes that parse", 1), ("04 BPTT max |diff| vs GradientTape", -1),
    ("07 bits per character", -1), ("05 error rate", -1), ("06 training time", -1),
    ("08 accuracy at 50 timesteps", 1), ("05 gradient norm at t=0", 0), ("07 tunes sampled", 0),
])
def test_direction_rule(name, sign):
    assert compare.direction(name) == sign


def flagged(old, new):
    regressions, _ = compare.compare(table.parse(table.render(old)), table.parse(table.render(new)))
    return regressions


def test_identical_tables_have_no_regression():
    assert flagged(sample(), sample()) == []


def test_time_regression_needs_20_percent_and_a_second():
    assert flagged(sample(), sample(**{"notebooks/01_fixed_window/fast/seconds": 11.5})) == []
    found = flagged(sample(), sample(**{"notebooks/01_fixed_window/full/seconds": 80.0}))
    assert len(found) == 1 and "01_fixed_window full time" in found[0] and "+33 %" in found[0]
    tiny = sample(**{"notebooks/01_fixed_window/fast/seconds": 1.0})
    assert flagged(tiny, sample(**{"notebooks/01_fixed_window/fast/seconds": 1.5})) == []   # noise


def test_budget_and_memory_regressions():
    new = sample(**{"notebooks/07_music/fast/status": "error (CellExecutionError)",
                    "notebooks/01_fixed_window/fast/peak_mib": 1200.0})
    found = flagged(sample(), new)
    assert any("07_music fast budget" in f for f in found)
    assert any("01_fixed_window fast peak memory" in f for f in found)


def test_metric_regressions_follow_the_direction():
    worse_accuracy = sample(**{"metrics/01_fixed_window/01 minimal-pair accuracy/full": 0.8})
    assert any("minimal-pair accuracy" in f and "higher is better" in f for f in flagged(sample(), worse_accuracy))
    better_accuracy = sample(**{"metrics/01_fixed_window/01 minimal-pair accuracy/full": 0.95})
    assert flagged(sample(), better_accuracy) == []
    worse_bits = sample(**{"metrics/07_music/07 bits per character/full": 2.5})
    assert any("bits per character" in f for f in flagged(sample(), worse_bits))
    better_bits = sample(**{"metrics/07_music/07 bits per character/full": 1.9})
    assert flagged(sample(), better_bits) == []
    float_noise = sample(**{"metrics/01_fixed_window/01 max |diff| vs Keras/fast": 3e-7})
    assert flagged(sample(), float_noise) == []
    neutral = sample(**{"metrics/07_music/07 tunes sampled/full": 5.0})
    regressions, notes = compare.compare(sample(), neutral)
    assert regressions == [] and any("no direction" in n for n in notes)


def test_added_and_removed_are_notes_not_regressions():
    new = sample()
    new["notebooks"]["08_sentiment"] = new["notebooks"].pop("07_music")
    new["metrics"].pop("07_music")
    regressions, notes = compare.compare(sample(), new)
    assert regressions == []
    assert any("07_music: removed" in n for n in notes) and any("08_sentiment: added" in n for n in notes)


def test_compare_command_exit_status(tmp_path, capsys):
    old, new = tmp_path / "old.md", tmp_path / "new.md"
    old.write_text(table.render(sample()), encoding="utf-8")
    new.write_text(table.render(sample(**{"notebooks/07_music/fast/seconds": 40.0})), encoding="utf-8")
    assert compare.main([str(old), str(old)]) == 0
    assert compare.main([str(old), str(new)]) == 1
    assert "REGRESSION: 07_music fast time" in capsys.readouterr().out
    assert compare.main([str(old), str(tmp_path / "missing.md")]) == 2


def test_quality_targets_are_judged_on_the_full_profile():
    bench = sample(**{"metrics/07_music": {
        "07 held-out bits per character": {"unit": "bits/char", "fast": 1.0, "full": 1.85},
        "07 playable rate (generated)": {"unit": "", "fast": 0.0, "full": 0.9}}})
    rows = {name: (value, ok) for name, _, value, ok in table.target_rows(bench)}
    assert rows["07 held-out bits per character"] == (1.85, False)      # the fast 1.0 does not count
    assert rows["07 playable rate (generated)"] == (0.9, True)
    assert rows["09 training time with attention"] == (None, False)     # missing never does either
    assert table.meets(0.5, "==", 0.5) and not table.meets(0.51, "==", 0.5)
    assert not table.meets(float("nan"), ">=", 0.0) and not table.meets(float("nan"), "<=", 1.0)
    text = table.render(bench)
    assert "| 07 playable rate (generated) | >= 0.8 | 0.9 | pass |" in text
    assert "| 07 held-out bits per character | <= 1.8 | 1.85 | FAIL |" in text
    assert table.parse(text) == bench                                    # the derived section is not read back


def test_every_target_names_a_metric_the_lessons_record():
    recorded = {name for named in table.parse((ROOT / "BENCHMARKS.md").read_text(encoding="utf-8"))["metrics"].values()
                for name in named}
    named = [name for name, _, _ in table.TARGETS] + [t[0] for _, _, t in table.TARGETS if isinstance(t, tuple)]
    assert not [name for name in named if name not in recorded]


def test_a_claim_comparing_two_metrics_fails_when_the_run_stops_supporting_it():
    def rows(generated, real):
        bench = sample(**{"metrics/07_music": {
            "07 tunes copying 2+ bars verbatim (generated)": {"unit": "", "fast": 0.0, "full": generated},
            "07 tunes copying 2+ bars verbatim (real held-out)": {"unit": "", "fast": 0.0, "full": real}}})
        return [row for row in table.target_rows(bench) if row[1].startswith("<= 07 tunes copying")]

    assert rows(0.156, 0.172) == [("07 tunes copying 2+ bars verbatim (generated)",
                                   "<= 07 tunes copying 2+ bars verbatim (real held-out)", 0.156, True)]
    assert rows(0.25, 0.172)[0][3] is False                   # more copying than real tunes: the sentence is wrong
    bench = sample(**{"metrics/07_music": {
        "07 tunes copying 2+ bars verbatim (generated)": {"unit": "", "fast": 0.0, "full": 0.1}}})
    missing = [row for row in table.target_rows(bench) if row[1].startswith("<= 07 tunes copying")]
    assert missing[0][3] is False                              # the other metric missing: never met


def test_merged_metrics_take_the_full_profiles_unit():
    named = {}
    run.merge_metrics(named, "fast", {"07 playable rate": {"value": 0.5, "unit": "(share of 4 tunes)"}})
    run.merge_metrics(named, "full", {"07 playable rate": {"value": 0.9, "unit": "(share of 64 tunes)"}})
    assert named == {"07 playable rate": {"unit": "(share of 64 tunes)", "fast": 0.5, "full": 0.9}}


def test_the_seed_run_trains_what_lesson_09_trains():
    """bench.seeds repeats the notebook's full-profile recipe: its constants must equal the notebook's."""
    import re

    from bench import seeds

    source = "\n".join("".join(c["source"]) for c in json.loads(
        (ROOT / "solutions" / "09_attention.ipynb").read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code")

    def full(name):
        match = re.search(rf"^{name} = (?:profile\.pick\(full=([^,)]+)|([^#\n]+))", source, re.M)
        assert match, f"{name} not found in the notebook"
        return eval(match.group(1) or match.group(2))

    assert (full("N_TRAIN"), full("EPOCHS"), full("FINAL_LR"), full("TYPED_SHARE")) == \
        (seeds.N_TRAIN, seeds.EPOCHS, seeds.FINAL_LR, seeds.TYPED_SHARE)
    assert (full("UNITS"), full("ATTENTION_UNITS"), full("NOISE")) == (seeds.UNITS, seeds.ATTENTION_UNITS, seeds.NOISE)
    assert "T.training_mix(N_TRAIN, seed=1, typed_share=TYPED_SHARE, noise_words=NOISE, exclude=held_out)" in source


# ---- calibration (issue 27) -------------------------------------------------------------------

def _calibrated(total, busy=0.0, scale=1.0):
    bench = sample()
    for runs in bench["notebooks"].values():
        for result in runs.values():
            if result["seconds"] is not None:
                result["seconds"] *= scale
    bench["calibration"] = {"before": {"numpy matmul": 0.25 * total, "tensorflow GRU step": 0.6 * total,
                                       "matplotlib draw": 0.15 * total, "total": total},
                            "after": {"numpy matmul": 0.25 * total, "tensorflow GRU step": 0.6 * total,
                                      "matplotlib draw": 0.15 * total, "total": total},
                            "busy": {"01_fixed_window": busy, "07_music": 0.0}}
    return bench


def test_calibration_is_written_read_back_and_marks_a_busy_machine():
    text = table.render(_calibrated(2.0, busy=0.4))
    assert "## Calibration" in text and "| total | 2 | 2 |" in text
    row = next(line for line in text.splitlines() if line.startswith("| 01_fixed_window"))
    assert row.endswith("| 5 | 30 | 40% (over the limit) |")          # 10 s and 60 s over a 2 s calibration
    back = table.parse(text)
    assert back["calibration"]["before"]["total"] == 2.0 and back["calibration"]["busy"]["01_fixed_window"] == 0.4
    quiet = table.render(_calibrated(2.0, busy=0.05))
    assert "| 5% |" in quiet and "over the limit" not in quiet
    old_style = "\n".join(line.rsplit(" | ", 3)[0] + " |" if line.startswith("| 01_") else line
                          for line in table.render(sample()).splitlines())
    assert table.parse(old_style)["notebooks"]["01_fixed_window"]["full"]["seconds"] == 60.0


def test_compare_judges_calibrated_times_so_a_slower_machine_is_no_regression():
    old = _calibrated(2.0)
    slower_machine = _calibrated(2.6, scale=1.3)            # everything 30 % slower, the calibration too
    regressions, notes = compare.compare(old, slower_machine)
    assert not [r for r in regressions if "time" in r]
    assert any("1.30x" in n for n in notes)
    real_regression = _calibrated(2.0, scale=1.3)           # same machine speed, lessons 30 % slower
    regressions, _ = compare.compare(old, real_regression)
    assert [r for r in regressions if "01_fixed_window full time" in r]
    uncalibrated = sample()                                 # an old table without calibration: raw times
    regressions, _ = compare.compare(uncalibrated, slower_machine)
    assert [r for r in regressions if "time" in r]


def test_bench_refuses_a_busy_machine(monkeypatch, capsys, tmp_path):
    from bench import calibration
    monkeypatch.setattr(calibration, "busy_share", lambda seconds=1.0: 0.8)   # busy in every sample
    monkeypatch.delenv("BENCH_FORCE", raising=False)
    ran = []
    monkeypatch.setattr(run, "benchmark", lambda *a, **k: ran.append(1))
    assert run.main([str(tmp_path / "00_x.ipynb"), "--out", str(tmp_path / "b.md")]) == 2
    assert "80% busy" in capsys.readouterr().out and not ran and not (tmp_path / "b.md").exists()


def test_a_kernel_still_exiting_is_not_taken_for_other_work(monkeypatch):
    from bench import calibration
    samples = iter([0.9, 0.6, 0.02, 0.9])                   # the previous kernel exits, then the machine is quiet
    monkeypatch.setattr(calibration, "busy_share", lambda seconds=1.0: next(samples))
    assert calibration.settled_busy_share(0.0) == 0.02
    monkeypatch.setattr(calibration, "busy_share", lambda seconds=1.0: 0.5)
    assert calibration.settled_busy_share(0.0) == 0.5        # busy all along: reported as busy


def test_calibration_workload_measures_each_part():
    from bench import calibration
    times = calibration.workload()
    parts = ["numpy matmul", "tensorflow GRU step", "matplotlib draw"]
    assert all(0 < times[p] < 60 for p in parts)
    assert times["total"] == pytest.approx(sum(times[p] for p in parts))
    assert calibration.ratio(3.0, {"total": 1.5}) == 2.0 and calibration.ratio(None, times) is None


def test_the_explorer_probe_times_every_control_with_a_callback_and_catches_a_slow_one():
    """bench/explorer_probe.py: a slow callback is reported slow, a quick one quick, a control without a
    callback is left out, and every control ends where it started."""
    import time as _time

    import ipywidgets as W

    from bench import explorer_probe
    from helpers.explorer import explorer

    slow = W.IntSlider(value=3, min=0, max=10, description="slow")
    quick = W.Dropdown(options=["a", "b", "c"], value="b", description="quick")
    typed = W.Text(value="the food was good", description="typed")
    idle = W.FloatSlider(value=0.5, description="idle")              # no callback: nothing to time
    seen = []
    slow.observe(lambda change: _time.sleep(0.15), names="value")
    quick.observe(lambda change: seen.append(change["new"]), names="value")
    typed.observe(lambda change: seen.append(change["new"]), names="value")
    box = explorer([slow, quick, typed, idle], "probe-test")
    results = explorer_probe.measure(only=[box])
    assert set(results) == {"probe-test · slow", "probe-test · quick", "probe-test · typed"}, results
    assert results["probe-test · slow"] >= 150 > 100 > results["probe-test · quick"]
    assert results["probe-test · typed"] < 100
    assert (slow.value, quick.value, typed.value, idle.value) == (3, "b", "the food was good", 0.5)
    assert {"a", "c"} <= set(seen) and any(s != "the food was good" and s for s in seen if " " in s or s == "the")
    box.close()
