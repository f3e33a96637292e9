"""generate_code, run, bench and save_notebook: each one CLI command with --json, its record read back."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

from .cli import LinguacodusError, Progress, child_environment, cli_message, find_cli, run_cli
from .records import Result, Sample, read_result

# Defaults of every call; %linguacodus_config and config() change them. The environment sets them first, as
# Sand-Bob's SANDBOB_LLM_SERVER does: LINGUACODUS_MODEL, LINGUACODUS_DATA, …
ENVIRONMENT_DEFAULTS = {
    "cli": "LINGUACODUS_CLI",
    "node": "LINGUACODUS_NODE",
    "model": "LINGUACODUS_MODEL",
    "reviewer": "LINGUACODUS_REVIEWER",
    "data": "LINGUACODUS_DATA",
    "out": "LINGUACODUS_OUT",
    "sandbox": "LINGUACODUS_SANDBOX",
}
_settings: Dict[str, Any] = {}


def _defaults() -> Dict[str, Any]:
    from_env = {key: os.environ[name] for key, name in ENVIRONMENT_DEFAULTS.items() if os.environ.get(name)}
    return {"out": "runs", **from_env, **_settings}


def config(**settings: Any) -> Dict[str, Any]:
    """Sets defaults for later calls (cli, node, model, reviewer, data, out, sandbox, mode, parallel, …); None drops a
    setting made here, so the environment's LINGUACODUS_* value applies again. Returns the defaults now in force."""
    for key, value in settings.items():
        if value is None:
            _settings.pop(key, None)
        else:
            _settings[key] = value
    return _defaults()


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _args(flags: Dict[str, Any]) -> List[str]:
    """Keyword flags as CLI arguments: True → --flag, False/None → left out, a list → the flag once per value."""
    out: List[str] = []
    for name, value in flags.items():
        if value is None or value is False:
            continue
        if value is True:
            out.append(_flag(name))
        elif isinstance(value, (list, tuple)):
            for item in value:
                out += [_flag(name), str(item)]
        else:
            out += [_flag(name), str(value)]
    return out


def _invoke(
    command: str,
    positional: Sequence[str],
    flags: Dict[str, Any],
    settings: Dict[str, Any],
    on_progress: Optional[Callable[[Progress], None]],
    out: Path,
    follow: bool = True,
) -> tuple:
    models = [v for k, v in flags.items() if k in ("model", "reviewer", "planner", "critic", "coder", "merger", "fixer", "tester") and isinstance(v, str)]
    models += [m for m in flags.get("models") or [] if isinstance(m, str)]
    executable = find_cli(settings.get("cli"), settings.get("node"))
    args = [command, *positional, *_args(flags), "--json"]
    outcome = run_cli(
        executable,
        args,
        env=child_environment(models),
        out=out if follow else None,
        on_progress=on_progress,
        interrupt_grace=float(settings.get("interrupt_grace", 10)),
    )
    try:
        summary = json.loads(outcome.stdout) if outcome.stdout.strip() else None
    except ValueError:
        summary = None
    if summary is None:
        raise LinguacodusError(cli_message(outcome.stderr), outcome.run_dir, outcome.code)
    return summary, outcome, [*executable, *args]


# How each command spells the sample counts: ask has Sand-Bob's --parallel/--iterative, run its --chains/--iterations.
SAMPLE_FLAGS = {"ask": ("parallel", "iterative"), "run": ("chains", "iterations")}


def _solve(command: str, positional: List[str], given: Dict[str, Any], on_progress: Optional[Callable[[Progress], None]], flags: Dict[str, Any]) -> Result:
    """One ask or run: the call's options over the defaults (a value given here wins), the record read back."""
    settings = _defaults()

    def value(key: str) -> Any:
        return given[key] if given.get(key) is not None else settings.get(key)

    out = Path(flags.pop("out", None) or settings["out"]).resolve()
    parallel_flag, iterative_flag = SAMPLE_FLAGS[command]
    data = value("data") if "data" in given else None
    cli_flags = {
        "data": str(Path(data).resolve()) if data is not None else None,
        "model": value("model"),
        "mode": value("mode"),
        parallel_flag: value("parallel"),
        iterative_flag: value("iterative"),
        "fix_attempts": value("fix_attempts"),
        "feedback_iterations": value("feedback"),
        "reviewer": value("reviewer"),
        "timeout": value("timeout"),
        "sandbox": value("sandbox"),
        "out": str(out),
        "notebook": True,
        **flags,
    }
    summary, outcome, cli = _invoke(command, positional, cli_flags, settings, on_progress, out)
    # run prints its summary's `dir`, ask its outcome's `runDir`.
    return read_result(Path(summary.get("dir") or summary.get("runDir") or outcome.run_dir), summary, cli)


def generate_code(
    request: str,
    data: Optional[Union[str, Path]] = None,
    model: Optional[str] = None,
    mode: Optional[str] = None,
    parallel: Optional[int] = None,
    iterative: Optional[int] = None,
    fix_attempts: Optional[int] = None,
    feedback: Optional[int] = None,
    reviewer: Optional[str] = None,
    timeout: Optional[int] = None,
    on_progress: Optional[Callable[[Progress], None]] = None,
    **flags: Any,
) -> Result:
    """A free-form request over a data folder (``linguacodus ask``): the chosen code, its result, stdout and figures,
    every sample (parallel × iterative), timings, tokens and the run folder. Extra keyword arguments become CLI flags."""
    given = dict(data=data, model=model, mode=mode, parallel=parallel, iterative=iterative, fix_attempts=fix_attempts, feedback=feedback, reviewer=reviewer, timeout=timeout)
    return _solve("ask", [request], given, on_progress, flags)


# The options generate_code names, which run shares (all but data); the rest of a call's keywords are CLI flags.
OPTIONS = ("model", "mode", "parallel", "iterative", "fix_attempts", "feedback", "reviewer", "timeout")


def run(task: str, on_progress: Optional[Callable[[Progress], None]] = None, **options: Any) -> Result:
    """A competition (a built-in task id or a task folder) with ``linguacodus run``: generate_code's options (model,
    mode, parallel, iterative, fix_attempts, feedback, reviewer, timeout; parallel/iterative are run's
    --chains/--iterations) and the same Result, with the graded score. Other keywords become CLI flags."""
    task_arg = str(Path(task).resolve()) if Path(task).exists() else task
    given = {key: options.pop(key, None) for key in OPTIONS}
    return _solve("run", [task_arg], given, on_progress, options)


class BenchResult:
    """A bench's outcome (the CLI's JSON), its folder, report and every run read back as a Result."""

    def __init__(self, dir: Path, outcome: Dict[str, Any]):
        self.dir = dir
        self.outcome = outcome
        self.report = outcome.get("report")

    @property
    def runs(self) -> List[Result]:
        runs_dir = self.dir / "runs"
        folders = sorted(p for p in runs_dir.iterdir() if (p / "run.json").is_file()) if runs_dir.is_dir() else []
        return [read_result(p, _summary_of(p)) for p in folders]

    def _repr_html_(self) -> str:
        import html

        o = self.outcome
        counts = ", ".join(f"{k} {o[k]}" for k in ("succeeded", "failed", "skipped", "interrupted") if k in o)
        report = f" · report <code>{html.escape(str(self.report))}</code>" if self.report else ""
        return f"<p>bench <code>{html.escape(str(self.dir))}</code>: {html.escape(counts)}{report}</p>"


def _summary_of(run_dir: Path) -> Dict[str, Any]:
    """What a run's record says when no CLI summary is at hand (a bench's runs): its grade (score.json)."""
    try:
        score = json.loads((run_dir / "score.json").read_text())
    except (OSError, ValueError):
        score = {}
    return {"dir": str(run_dir), "valid": score.get("valid", False), "score": score.get("score") if score.get("valid") else None, "metric": score.get("metric")}


def bench(
    tasks: Union[str, Sequence[str]],
    out: Union[str, Path],
    models: Optional[Sequence[str]] = None,
    modes: Optional[Union[str, Sequence[str]]] = None,
    repeats: Optional[int] = None,
    parallel: Optional[int] = None,
    timeout: Optional[int] = None,
    **flags: Any,
) -> BenchResult:
    """A bench (``linguacodus bench``) of tasks × modes × models × repeats into ``out``; its outcome and runs."""
    settings = _defaults()
    task_list = [tasks] if isinstance(tasks, str) else list(tasks)
    model_list = list(models) if models else ([settings["model"]] if settings.get("model") else None)
    cli_flags = {
        "models": model_list,
        "modes": ",".join(modes) if isinstance(modes, (list, tuple)) else modes,
        "repeats": repeats,
        "parallel": parallel,
        "timeout": timeout if timeout is not None else settings.get("timeout"),
        "sandbox": settings.get("sandbox"),
        "out": str(Path(out).resolve()),
        **flags,
    }
    outcome, _, _ = _invoke("bench", task_list, cli_flags, settings, None, Path(out).resolve(), follow=False)
    return BenchResult(Path(out).resolve(), outcome)


def save_notebook(result: Union[Result, Sample], path: Union[str, Path]) -> Path:
    """The chosen code (or a sample's) as a runnable notebook: the run's own code/solution.ipynb, which the CLI's
    notebook export wrote (calls from this package always ask for it)."""
    sample = result.chosen if isinstance(result, Result) else result
    if sample is None:
        raise LinguacodusError(f"the run {result.dir} chose no sample (none succeeded): save a sample's notebook, e.g. save_notebook(result.samples[0], …)")
    notebook = sample.dir / "code" / "solution.ipynb"
    if not notebook.is_file():
        raise LinguacodusError(f"{notebook} does not exist: the run wrote no notebook (it ran without --notebook, or its sample has no final code)")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(notebook, target)
    return target
