"""Start-up and save benchmark for epoc-wizard: ``python bench/run.py``.

Every figure is a median over several runs after a warm-up. Whole-process timings are
also given as a ratio to a bare ``python -c pass`` measured in the same run, so the
figures compare across machines. The first question of ``start`` (triage) is also
compared with copier's first question for a one-question template: copier is
installed with pip into a throwaway virtual environment (``--copier-env`` keeps and
reuses one), and both are timed in a pseudo-terminal in the same rounds. Prints a
table and exits 1 if any budget is missed.

Run it with the interpreter of the environment where epoc-wizard is installed, e.g.
``.venv/bin/python bench/run.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BIN = Path(sys.executable).parent
WIZARD = shutil.which("epoc-wizard", path=str(BIN)) or "epoc-wizard"
T0 = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)


def median_time(fn: Callable[[], object], runs: int, warmup: int = 2) -> float:
    """Median seconds of ``fn``; a function that returns a float times itself."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        own = fn()
        times.append(own if isinstance(own, float) else time.perf_counter() - start)
    return statistics.median(times)


def rounds(
    commands: dict[str, Callable[[], object]], runs: int, warmup: int = 2
) -> dict[str, float]:
    """Median seconds of each command, the commands taking turns in every round."""
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for n in range(warmup + runs):
        for name, fn in commands.items():
            start = time.perf_counter()
            own = fn()
            if n >= warmup:
                samples[name].append(own if isinstance(own, float) else time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in samples.items()}


def run_process(args: list[str], env: dict[str, str]) -> Callable[[], object]:
    def go() -> object:
        return subprocess.run(
            args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
        )

    return go


def make_state(directory: Path, count: int) -> None:
    """A realistic state: journeys across flows, some waiting, some done."""
    from epoc_wizard.core import engine
    from epoc_wizard.core.journey import Journey
    from epoc_wizard.flowspec.catalog import load_catalog
    from epoc_wizard.state.store import Store

    catalog = load_catalog()
    flow = catalog.get("cmsnet")
    journeys = {}
    for i in range(count):
        ccn = f"05{i:04d}"
        j = Journey(
            id=f"cmsnet-{ccn}",
            flow="cmsnet",
            facility=ccn,
            created=T0,
            updated=T0,
            answers={
                "provider_type": "hospice",
                "facility_name": f"Facility {i}",
                "state": "CA",
                "ccn": ccn,
                "zip": "95814",
                "existing_ids": "0",
            },
        )
        for step in engine.visible_steps(flow, j.answers)[: i % 8]:
            j = engine.mark(flow, j, step.id, "done", T0)
        if i % 3 == 0:
            j = engine.mark(flow, j, "submit_request", "waiting", T0)
        j = engine.summarize(flow, j, T0)
        journeys[j.id] = j.model_dump(mode="json", exclude_none=True)
    Store(directory).write(journeys)


def pty_first_text(
    command: Callable[[int], tuple[list[str], dict[str, str]]], marker: bytes
) -> Callable[[], object]:
    """Seconds from starting a program in a pseudo-terminal until ``marker`` is on it.

    A bare ``pty.fork`` is used rather than pexpect, whose own start-up and polling
    would be counted otherwise. ``command(n)`` gives the arguments and environment of
    the n-th run (a new state folder or destination each time, so that every run sees
    the same screen).
    """
    import itertools
    import pty
    import select
    import signal

    counter = itertools.count()

    def go() -> float:
        args, run_env = command(next(counter))
        start = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child
            os.execve(args[0], args, run_env)
        seen = b""
        try:
            while marker not in seen:
                ready, _, _ = select.select([fd], [], [], 30)
                try:
                    chunk = os.read(fd, 65536) if ready else b""
                except OSError:  # the child has gone (EIO)
                    chunk = b""
                if not chunk:
                    raise RuntimeError(
                        f"{' '.join(args)} ended before {marker.decode()!r}: "
                        + seen[-300:].decode(errors="replace")
                    )
                seen += chunk
            return time.perf_counter() - start
        finally:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(fd)

    return go


#: How questionary starts drawing a question (its "?" mark, then the bold question),
#: whichever question of the flow comes first.
QUESTION_MARK = b"?\x1b[0;1m "

#: The one-question copier template of the comparison.
COPIER_TEMPLATE = """\
project_name:
  type: str
  help: What is the name of your project?
"""


def copier_command(tmp: Path, env_dir: Path | None) -> str:
    """The ``copier`` program of a virtual environment made for the benchmark (or the
    one in ``env_dir``, made there if missing), with copier installed by pip."""
    venv = env_dir or tmp / "copier-venv"
    copier = venv / "bin" / "copier"
    if not copier.exists():
        print(f"Installing copier into {venv} (pip) ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "copier"],
            check=True,
        )
    # A normal install has bytecode already; make sure, as for epoc-wizard.
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "compileall", "-q", str(venv / "lib")],
        stdout=subprocess.DEVNULL,
        check=False,
    )
    return str(copier)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument(
        "--copier-env",
        type=Path,
        help="a folder for copier's virtual environment, kept for the next run "
        "(default: a throwaway one, installed each time)",
    )
    args = parser.parse_args()
    runs = args.runs

    # A normal install has bytecode; an editable one gets it on first import, unless
    # PYTHONDONTWRITEBYTECODE is set. Compile it, so every run measures an installed program.
    import compileall

    import epoc_wizard

    compileall.compile_dir(str(Path(epoc_wizard.__file__).parent), quiet=1)

    tmp = Path(tempfile.mkdtemp(prefix="epoc-bench-"))
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("EPOC_WIZARD")}
    base_env.update(
        {
            "HOME": str(tmp / "home"),
            "TERM": "xterm",
            "PROMPT_TOOLKIT_NO_CPR": "1",
            "EPOC_WIZARD_NOW": T0.isoformat(),
        }
    )
    envs = {}
    for n in (20, 500):
        d = tmp / f"state{n}"
        make_state(d, n)
        envs[n] = {**base_env, "EPOC_WIZARD_HOME": str(d)}
    empty_env = {**base_env, "EPOC_WIZARD_HOME": str(tmp / "empty")}

    # The first question side by side with copier's: a fresh state folder for
    # epoc-wizard (its flow cache is the user's, as after any earlier run), a new
    # destination for copier, the same terminal settings for both.
    from epoc_wizard.flowspec.catalog import load_catalog as load_flows

    triage = load_flows().triage
    assert triage is not None, "the bundled flows have no triage"
    first_question = triage.questions[0].prompt.encode()[:24]
    template = tmp / "copier-template"
    template.mkdir()
    (template / "copier.yml").write_text(COPIER_TEMPLATE)
    (template / "README.md.jinja").write_text("{{ project_name }}\n")
    copier = copier_command(tmp, args.copier_env)
    pty_env = {**base_env, "TERM": "xterm-256color"}

    # Whole-process timings are taken in rounds: each round runs the bare interpreter
    # and every command once, in turn, so that a slow moment of the machine weighs on
    # all of them alike rather than on whichever happened to run then.
    commands: dict[str, Callable[[], object]] = {
        "bare": run_process([sys.executable, "-c", "pass"], base_env),
        "status20": run_process([WIZARD, "status"], envs[20]),
        "status500": run_process([WIZARD, "status"], envs[500]),
        "help": run_process([WIZARD, "--help"], empty_env),
        "first": pty_first_text(
            lambda n: (
                [WIZARD, "start", "cmsnet"],
                {**empty_env, "EPOC_WIZARD_HOME": str(tmp / f"pty{n}")},
            ),
            QUESTION_MARK,
        ),
        "triage": pty_first_text(
            lambda n: ([WIZARD, "start"], {**pty_env, "EPOC_WIZARD_HOME": str(tmp / f"triage{n}")}),
            first_question,
        ),
        "copier": pty_first_text(
            lambda n: ([copier, "copy", str(template), str(tmp / "copied" / str(n))], pty_env),
            b"What is the name of your project",
        ),
    }
    times = rounds(commands, runs)
    bare = times["bare"]
    rows: list[tuple[str, float, str, bool]] = []

    def ratio_row(name: str, seconds: float, budget: float) -> None:
        r = seconds / bare
        rows.append((name, seconds, f"{r:.1f}x (budget {budget:g}x)", r <= budget))

    ratio_row("python -c pass", bare, 1)
    ratio_row("status, 20 journeys", times["status20"], 5)
    r = times["status500"] / times["status20"]
    rows.append(
        (
            "status, 500 journeys",
            times["status500"],
            f"{times['status500'] / bare:.1f}x; {r:.2f}x the 20-journey figure (budget 1.5x)",
            r <= 1.5,
        )
    )
    ratio_row("--help", times["help"], 10)
    ratio_row("start cmsnet, to first prompt (pty)", times["first"], 30)
    rows.append(("copier copy, 1-question template (pty)", times["copier"], "reference", True))
    r = times["triage"] / times["copier"]
    rows.append(
        (
            "start (triage), to first question (pty)",
            times["triage"],
            f"{r:.2f}x copier's first question (budget 0.6x)",
            r <= 0.6,
        )
    )

    from epoc_wizard.flowspec import cache as flowcache
    from epoc_wizard.flowspec.catalog import load_catalog

    def cold_load() -> object:
        # No cache at all: every file parsed (libyaml) and every cross-check run.
        os.environ["EPOC_WIZARD_CACHE"] = str(tmp / "no-cache" / f"{time.monotonic_ns()}.json")
        flowcache._entries = None
        return load_catalog()

    cold = median_time(cold_load, runs)
    # Parsing and checking grow with the flows (2,061 lines when the budget was 30 ms;
    # 3,132 in December 2026): 15 ms per 1,000 lines. It is paid once per change.
    from epoc_wizard.flowspec.catalog import bundled_dir

    lines = sum(
        len(p.read_text(encoding="utf-8").splitlines()) for p in bundled_dir().rglob("*.yaml")
    )
    budget = 0.015 * lines / 1000
    rows.append(
        (
            "load + check all bundled flows, no cache",
            cold,
            f"budget {budget * 1000:.0f} ms ({lines} lines of flows)",
            cold <= budget,
        )
    )
    os.environ["EPOC_WIZARD_CACHE"] = str(tmp / "cache.json")
    flowcache._entries = None
    warm = median_time(load_catalog, runs)
    rows.append(("  the same, from the parse cache", warm, "budget 30 ms", warm <= 0.030))

    from epoc_wizard.core.journey import Journey
    from epoc_wizard.state.store import Store

    store = Store(tmp / "state500")
    journey = Journey.model_validate(store.journeys()["cmsnet-050007"])
    save = median_time(lambda: store.save(journey), runs)
    rows.append(("one save with fsync, 500-journey state", save, "budget 5 ms", save <= 0.005))

    shutil.rmtree(tmp, ignore_errors=True)
    width = max(len(r[0]) for r in rows)
    print(f"{'measurement':<{width}}  {'median':>9}  ratio / budget")
    print(f"{'-' * width}  {'-' * 9}  {'-' * 40}")
    for name, seconds, note, ok in rows:
        print(f"{name:<{width}}  {seconds * 1000:7.1f}ms  {note}{'' if ok else '  OVER BUDGET'}")
    print(
        f"\n{runs} runs each after warm-up; Python {sys.version.split()[0]}; {os.cpu_count()} CPUs."
    )
    return 0 if all(ok for *_, ok in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
