"""`make bench`: run every solution notebook in both profiles and write BENCHMARKS.md.

    python -m bench.run                          # every solutions/NN_*.ipynb, both profiles
    python -m bench.run solutions/03_*.ipynb     # some notebooks
    python -m bench.run --profiles fast --out /tmp/b.md
    REPEATS=3 python -m bench.run                # repeats per profile (default: fast 3, full 1)
    python -m bench.run --save-full              # also write each full-profile run's outputs back into
                                                 # solutions/ (what `make execute` does), saving a second pass

Each run executes the notebook top to bottom with nbclient (outputs are not saved), with
``COURSE_PROFILE`` set to the profile and ``COURSE_METRICS_FILE`` to a fresh file that
``helpers.record()`` appends JSON lines to (``{"name", "value", "unit", "profile"}``).
Measured: wall time (kernel start included, which is what a student waits for) and the peak
resident memory of the kernel's process tree, sampled every 0.1 s with psutil. The table
reports the median over the repeats, and for each metric the median of the values the runs
recorded (the last value when a run records the same name twice). Lesson 09 also gets
`bench.seeds`: its attention model trained with three seeds, outside the notebook.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from bench import calibration, everyday_seeds, explorer_probe, seeds
from bench.table import PROFILES, budget, render

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
OUTPUT = ROOT / "BENCHMARKS.md"
DEFAULT_REPEATS = {"fast": 3, "full": 1}
TIMEOUT_S = 300                  # per cell (the longest lesson cell takes about 150 s): a hang ends within 5 minutes


def lesson_notebooks(folder: Path = SOLUTIONS) -> list[Path]:
    return sorted(p for p in Path(folder).glob("[0-9][0-9]_*.ipynb") if p.is_file())


def repeats(profile: str, environ=os.environ) -> int:
    """``$REPEATS`` when set (a positive integer), else 3 for fast and 1 for full."""
    value = environ.get("REPEATS", "").strip()
    if not value:
        return DEFAULT_REPEATS[profile]
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"environment variable 'REPEATS': expected a positive integer, got {value!r}")
    return int(value)


# ---- measurements -----------------------------------------------------------------------------

def read_metrics(path: Path) -> dict[str, dict]:
    """Metrics a run recorded: {name: {"value", "unit"}}; the last line wins for a repeated name."""
    found = {}
    path = Path(path)
    if not path.exists():
        return found
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            found[str(entry["name"])] = {"value": float(entry["value"]), "unit": str(entry.get("unit", ""))}
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path} line {number}: not a metric record ({error}): {line[:120]!r}") from None
    return found


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (0 when it is gone)."""
    import psutil

    try:
        process = psutil.Process(pid)
        members = [process] + process.children(recursive=True)
    except psutil.Error:
        return 0
    total = 0
    for member in members:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            pass
    return total


class PeakSampler(threading.Thread):
    """Samples the memory of the process tree whose root pid ``get_pid()`` returns, until stopped."""

    def __init__(self, get_pid, interval: float = 0.1):
        super().__init__(daemon=True)
        self.get_pid, self.interval = get_pid, interval
        self.peak = 0
        self._stop_event = threading.Event()

    def run(self):
        while not self._stop_event.is_set():
            pid = self.get_pid()
            if pid:
                self.peak = max(self.peak, tree_rss(pid))
            self._stop_event.wait(self.interval)

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak


@contextmanager
def environment(**values):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def kernel_pid(client) -> int | None:
    manager = getattr(client, "km", None)
    provisioner = getattr(manager, "provisioner", None) if manager is not None else None
    process = getattr(provisioner, "process", None) if provisioner is not None else None
    return getattr(process, "pid", None)


def run_once(path: Path, profile: str, workdir: Path, save: bool = False, probe: bool = False) -> dict:
    """Execute one notebook once; returns seconds, peak_mib, metrics, error (None when it ran) and, with
    ``probe``, every explorer's redraw time measured afterwards in the same kernel (not in ``seconds``)."""
    import nbformat
    from nbclient import NotebookClient

    metrics_file = Path(tempfile.mkstemp(prefix=f"{path.stem}-{profile}-", suffix=".jsonl", dir=workdir)[1])
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=TIMEOUT_S, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    if not save:
        # nbclient plays a front end for Output widgets (it sends their new state back on the shell channel);
        # three runs hung, kernel and client idle, in a cell that builds an explorer (01, 05, 06: 2026-12-06),
        # as in jupyter/nbclient#312. A run whose outputs are not kept does not need it.
        client.comm_open_handlers = {}
    sampler = PeakSampler(lambda: kernel_pid(client))
    error, seconds, peak, explorers = None, None, None, {}
    with environment(COURSE_PROFILE=profile, COURSE_METRICS_FILE=str(metrics_file)):
        sampler.start()
        start = time.perf_counter()
        try:
            client.reset_execution_trackers()
            with client.setup_kernel():     # what client.execute() does, keeping the kernel for the probe
                info = client.wait_for_reply(client.kc.kernel_info())
                if info is not None and "language_info" in info["content"]:
                    nb.metadata["language_info"] = info["content"]["language_info"]
                for index, cell in enumerate(nb.cells):
                    client.execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
                client.set_widgets_metadata()
                seconds = time.perf_counter() - start
                peak = sampler.stop()
                if probe:
                    explorers = probe_explorers(client)
        except Exception as exc:  # a failing notebook is a row in the table, not a crash
            error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}"
            if seconds is None:                     # the lesson failed (not the probe after it)
                seconds, peak = time.perf_counter() - start, sampler.stop()
    if save and error is None:
        nbformat.write(nb, path)
    return {"seconds": seconds, "peak_mib": peak / 2**20 if peak else None,
            "metrics": read_metrics(metrics_file), "error": error, "explorers": explorers}


def probe_explorers(client) -> dict:
    """``bench/explorer_probe.py`` run in the kernel the lesson just ran in: ``{explorer · control: ms}``."""
    import nbformat

    code = (explorer_probe.SOURCE + "\nimport json as _json\n"
            "print('EXPLORERS ' + _json.dumps(measure()))\n")
    cell = nbformat.v4.new_code_cell(code)
    client.nb.cells.append(cell)
    try:
        client.execute_cell(cell, len(client.nb.cells) - 1)
    finally:
        client.nb.cells.pop()
    text = "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stdout")
    line = next((l for l in text.splitlines() if l.startswith("EXPLORERS ")), None)
    return json.loads(line[len("EXPLORERS "):]) if line else {}


def run_isolated(path: Path, profile: str, workdir: Path, save: bool = False, probe: bool = False) -> dict:
    """:func:`run_once` in a fresh Python process, so no run inherits another's client state.

    Measured: in one process, lesson 01's full run hung for about 350 s at its first widget when
    its fast run had gone before (nbclient, 2026-12-06); alone, it took 12 s. A process per run
    costs about a second and leaves each measurement on its own.
    """
    import subprocess

    command = [sys.executable, "-m", "bench.run", "--one", str(path), "--profiles", profile, "--workdir", str(workdir)]
    if save:
        command.append("--save-full")
    if probe:
        command.append("--probe")
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return {"seconds": time.perf_counter() - start, "peak_mib": None, "metrics": {},
                "error": f"the run's process failed (exit {done.returncode}): {done.stderr.strip()[-300:]}"}
    return json.loads(lines[-1])


def merge_metrics(named: dict, profile: str, metrics: dict) -> dict:
    """Add one profile's ``{name: {"value", "unit"}}`` to a notebook's ``{name: {"unit", profile: value}}``.

    A unit may name a count ("share of 64 tunes"), so the full profile's unit wins: it is the run the
    quality targets judge and the one whose count the unit should state.
    """
    for name, value in metrics.items():
        entry = named.setdefault(name, {"unit": value["unit"]})
        entry[profile] = value["value"]
        if profile == "full":
            entry["unit"] = value["unit"]
    return named


def summarize(runs: list[dict], profile: str, stem: str = "") -> tuple[dict, dict]:
    """Medians over repeated runs: ({seconds, peak_mib, status}, {metric: {value, unit}})."""
    errors = [r["error"] for r in runs if r.get("error")]
    seconds = statistics.median(r["seconds"] for r in runs)
    peaks = [r["peak_mib"] for r in runs if r.get("peak_mib")]
    if errors:
        status = f"error ({errors[0][:80]})"
    else:
        status = "pass" if seconds <= budget(stem, profile) else "FAIL"
    metrics: dict[str, dict] = {}
    for name in dict.fromkeys(n for r in runs for n in r["metrics"]):
        values = [r["metrics"][name]["value"] for r in runs if name in r["metrics"]]
        unit = next(r["metrics"][name]["unit"] for r in runs if name in r["metrics"])
        metrics[name] = {"value": statistics.median(values), "unit": unit}
    return {"seconds": seconds, "peak_mib": statistics.median(peaks) if peaks else None, "status": status}, metrics


def _version(distribution: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


def machine(environ=os.environ) -> dict:
    """Cores, CPU model, RAM, Python/TF/Keras versions: the context a timing needs."""
    import psutil

    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.lower().startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info = {"CPU cores": str(os.cpu_count()), "CPU model": model,
            "RAM (GiB)": f"{psutil.virtual_memory().total / 2**30:.1f}",
            "OS": f"{platform.system()} {platform.release()}", "Python": platform.python_version()}
    for label, distributions in (("TensorFlow", ("tensorflow-cpu", "tensorflow")), ("Keras", ("keras",)),
                                 ("numpy", ("numpy",))):
        info[label] = next((v for v in map(_version, distributions) if v), "not installed")
    info["repeats"] = ", ".join(f"{p} {repeats(p, environ)}" for p in PROFILES) + " (median reported)"
    return info


def benchmark(notebooks: list[Path], profiles=PROFILES, log=print, save_full: bool = False) -> dict:
    date = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    bench = {"date": date, "machine": dict(machine(), date=date), "notebooks": {}, "metrics": {}, "widgets": {}}
    bench["calibration"] = {"before": calibration.workload_in_subprocess()}
    log("calibration before: " + ", ".join(f"{k} {v:.3f} s" for k, v in bench["calibration"]["before"].items()))
    busy = bench["calibration"]["busy"] = {}
    retried = []                                            # runs that failed once (a lost kernel reply) and ran again
    with tempfile.TemporaryDirectory(prefix="bench-") as workdir:
        for path in notebooks:
            row, named = {}, {}
            for profile in profiles:
                runs = []
                for attempt in range(repeats(profile)):
                    share = calibration.settled_busy_share(1.0)     # other processes, while the bench is idle
                    busy[path.stem] = max(busy.get(path.stem, 0.0), share)
                    probe = profile == "fast" and attempt == 0     # every explorer, once per lesson
                    result = run_isolated(path, profile, Path(workdir), save=save_full and profile == "full",
                                          probe=probe)
                    if result["error"]:                     # once more: now and then nbclient waits for a kernel
                        # reply that never comes (kernel and client both idle; seen 2026-12-06 in 01 and 06)
                        log(f"{path.stem} {profile} run {attempt + 1} failed ({result['error']}); running it again")
                        retried.append(f"{path.stem} {profile} ({result['error'][:80]})")
                        result = run_isolated(path, profile, Path(workdir), save=save_full and profile == "full",
                                              probe=probe)
                    runs.append(result)
                    for name, ms in (result.get("explorers") or {}).items():
                        bench["widgets"][f"{path.stem[:2]} {name}"] = ms
                    log(f"{path.stem} {profile} run {attempt + 1}: {result['seconds']:.1f} s, "
                        f"peak {result['peak_mib'] or 0:.0f} MiB, machine {share:.0%} busy before"
                        + (f", {result['error']}" if result["error"] else ""))
                row[profile], metrics = summarize(runs, profile, path.stem)
                merge_metrics(named, profile, metrics)
            bench["notebooks"][path.stem] = row
            if path.stem == seeds.STEM and "full" in profiles:   # lesson 09's targets must hold for three seeds
                merge_metrics(named, "full", seeds.measure(log=log))
            if path.stem == "08_sentiment" and "full" in profiles:   # lesson 08's sentences about seeds
                merge_metrics(named, "full", everyday_seeds.measure(log=log))
            if named:
                bench["metrics"][path.stem] = named
    bench["machine"]["runs that failed once and ran again"] = "; ".join(retried) or "none"
    bench["calibration"]["after"] = calibration.workload_in_subprocess()
    log("calibration after: " + ", ".join(f"{k} {v:.3f} s" for k, v in bench["calibration"]["after"].items()))
    return bench


def stored_learning_curves():
    """``data/learning_curves.json`` as `make bench` last wrote it (None when missing or unreadable)."""
    try:
        from helpers import learning_curves
        return learning_curves.load()
    except (OSError, ValueError):
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every solutions/NN_*.ipynb")
    parser.add_argument("--profiles", nargs="+", choices=PROFILES, default=list(PROFILES))
    parser.add_argument("--out", type=Path, default=OUTPUT)
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)        # one run, for run_isolated
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)    # time every explorer after the run
    parser.add_argument("--save-full", action="store_true",
                        help="write the full-profile runs' outputs back into the solution notebooks")
    args = parser.parse_args(argv)
    if args.one:
        result = run_once(args.one, args.profiles[0], args.workdir or Path(tempfile.gettempdir()), save=args.save_full,
                          probe=args.probe)
        print(json.dumps(result))
        return 0
    notebooks = args.notebooks or lesson_notebooks()
    if not notebooks:
        print(f"no lesson notebooks in {SOLUTIONS}")
        return 1
    repeats("fast")  # validate $REPEATS before spending minutes
    share = calibration.settled_busy_share(2.0)
    if share > calibration.BUSY_LIMIT:
        if os.environ.get("BENCH_FORCE") != "1":
            print(f"the machine is {share:.0%} busy with other work (limit {calibration.BUSY_LIMIT:.0%}): times would "
                  "measure that work, not the course. Stop it and run again, or BENCH_FORCE=1 to run anyway "
                  "(every row is then marked).")
            return 2
        print(f"BENCH_FORCE=1: running on a machine {share:.0%} busy; the table says so")
    bench = benchmark(notebooks, args.profiles, save_full=args.save_full)
    bench["learning_curves"] = stored_learning_curves()
    args.out.write_text(render(bench), encoding="utf-8")
    print(f"wrote {args.out}")
    failed = [stem for stem, row in bench["notebooks"].items() if any(r["status"] != "pass" for r in row.values())]
    if failed:
        print("over budget or failing: " + ", ".join(failed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
