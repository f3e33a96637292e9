"""A run folder read back as Python objects: the samples (one per chain, or the run itself), each with its code,
result, stdout and figures, and the run's timings and tokens. The folder layout is the CLI's (docs/DESIGN.md
"Run record"); this module only reads it."""
from __future__ import annotations

import html
import json
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

FIGURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg")
_NO_RESULT = object()


def _json(path: Path) -> Optional[dict]:
    try:
        return json.loads(path.read_text(encoding="utf8"))
    except (OSError, ValueError):
        return None


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf8", errors="replace")
    except OSError:
        return ""


def _result_line(stdout: str) -> Any:
    """The value of the script's last ``RESULT=<json>`` line (the free-form analyses' convention), else _NO_RESULT."""
    for line in reversed(stdout.splitlines()):
        if line.startswith("RESULT="):
            try:
                return json.loads(line[len("RESULT="):])
            except ValueError:
                return line[len("RESULT="):]
    return _NO_RESULT


def _image(path: Path) -> Any:
    """An IPython image of a figure (SVG as SVG), or the path when IPython is not installed."""
    try:
        from IPython.display import SVG, Image
    except ImportError:
        return path
    return SVG(filename=str(path)) if path.suffix.lower() == ".svg" else Image(filename=str(path))


@dataclass
class Attempt:
    """One execution of one version of the script (exec/<attempt>/)."""

    name: str
    kind: str
    outcome: str
    duration_s: float
    code: str
    stdout: str
    stderr: str
    error: Optional[str]
    figures: List[Path]
    record: Dict[str, Any]


@dataclass
class Sample:
    """One independent solution: a chain of a run with several, or the run itself."""

    id: str
    dir: Path
    status: str
    valid: bool
    score: Optional[float]
    code: Optional[str]
    result: Any
    stdout: str
    figure_paths: List[Path]
    attempts: List[Attempt]
    failure: Optional[str]

    @property
    def figures(self) -> List[Any]:
        return [_image(path) for path in self.figure_paths]


def _figures(run_dir: Path, attempt_dir: Path, record: Dict[str, Any]) -> List[Path]:
    """The figures the attempt saved: the copies its result.json lists (exec/<n>/figures/), or, in records from before
    figures were copied out, the image files left in its workspace."""
    listed = (record.get("figures") or {}).get("files")
    if listed is not None:
        return [run_dir / f["path"] for f in listed if (run_dir / f["path"]).is_file()]
    workspace = attempt_dir / "workspace"
    if not workspace.is_dir():
        return []
    return sorted(p for p in workspace.rglob("*") if p.is_file() and p.suffix.lower() in FIGURE_SUFFIXES)


def _attempts(run_dir: Path) -> List[Attempt]:
    out: List[Attempt] = []
    exec_dir = run_dir / "exec"
    if not exec_dir.is_dir():
        return out
    for folder in sorted(p for p in exec_dir.iterdir() if p.is_dir()):
        record = _json(folder / "result.json")
        if record is None:
            continue
        out.append(
            Attempt(
                name=str(record.get("attempt", folder.name)),
                kind=str(record.get("kind", "")),
                outcome=str(record.get("outcome", "")),
                duration_s=float(record.get("durationMs", 0)) / 1000,
                code=_text(run_dir / str(record.get("script", ""))) if record.get("script") else "",
                stdout=_text(folder / "stdout.txt"),
                stderr=_text(folder / "stderr.txt"),
                error=record.get("errorMessage") or record.get("errorClass"),
                figures=_figures(run_dir, folder, record),
                record=record,
            )
        )
    return out


def read_sample(run_dir: Path, sample_id: str = "") -> Sample:
    run = _json(run_dir / "run.json") or {}
    score = _json(run_dir / "score.json") or {}
    attempts = _attempts(run_dir)
    chosen_name = str(score.get("attempt", "")).split("/")[-1]
    chosen = next((a for a in attempts if a.name == chosen_name), attempts[-1] if attempts else None)
    final = run_dir / "code" / "final.py"
    code = _text(final) if final.is_file() else (chosen.code if chosen else None)
    stdout = chosen.stdout if chosen else ""
    result = score["result"] if "result" in score else _result_line(stdout)
    return Sample(
        id=sample_id,
        dir=run_dir,
        status=str(run.get("status", "unknown")),
        valid=bool(score.get("valid", False)),
        score=score.get("score"),
        code=code,
        result=None if result is _NO_RESULT else result,
        stdout=stdout,
        figure_paths=chosen.figures if chosen else [],
        attempts=attempts,
        failure=(run.get("failure") or {}).get("message"),
    )


@dataclass
class Result:
    """What a run gave: the chosen sample's code, result, stdout and figures; every sample; timings, tokens, folder."""

    dir: Path
    # What the CLI printed with --json: run's RunSummary, or ask's AskOutput (result, samples, consistency).
    summary: Dict[str, Any]
    samples: List[Sample]
    chosen: Optional[Sample]
    command: List[str] = field(default_factory=list)
    # The run's run.json: mode, status, timings and usage, whichever command made it.
    run: Dict[str, Any] = field(default_factory=dict)

    @property
    def code(self) -> Optional[str]:
        return self.chosen.code if self.chosen else None

    @property
    def result(self) -> Any:
        """The result kept: ask's majority result, else the chosen sample's RESULT line."""
        if "result" in self.summary:
            return self.summary["result"]
        return self.chosen.result if self.chosen else None

    @property
    def consistency(self) -> Optional[Dict[str, Any]]:
        """ask's view of the samples: majority, its count and share, agreement, the groups of equal results."""
        return self.summary.get("consistency")

    @property
    def stdout(self) -> str:
        return self.chosen.stdout if self.chosen else ""

    @property
    def figures(self) -> List[Any]:
        return self.chosen.figures if self.chosen else []

    @property
    def valid(self) -> bool:
        """A competition's valid submission, or an analysis that gave a result."""
        return bool(self.summary.get("valid", self.summary.get("hasResult", False)))

    @property
    def score(self) -> Optional[float]:
        return self.summary.get("score")

    @property
    def timings(self) -> Dict[str, float]:
        """Seconds: the whole run, model calls, sandbox runs, and the rest."""
        t = {name: float(self.run.get("timings", {}).get(f"{name}Ms", 0)) / 1000 for name in ("wall", "model", "sandbox")}
        return {**t, "other": max(0.0, t["wall"] - t["model"] - t["sandbox"])}

    @property
    def tokens(self) -> Dict[str, Any]:
        """Prompt + answer tokens of every model call (all samples), in all and per role (run.json usage)."""
        usage = self.run.get("usage") or {}
        count = lambda entry: sum(v for k, v in (entry or {}).get("tokens", {}).items() if k in ("input", "output"))
        return {"total": count(usage.get("total")), "by_role": {role: count(e) for role, e in (usage.get("byRole") or {}).items()}}

    @property
    def view_command(self) -> str:
        """The command that opens this run in the viewer."""
        return f"linguacodus view {shlex.quote(str(self.dir))} --open"

    def _repr_html_(self) -> str:
        return render_html(self)


def read_result(run_dir: Path, summary: Dict[str, Any], command: Optional[List[str]] = None) -> Result:
    run = _json(run_dir / "run.json") or {}
    chains = run.get("chains") or []
    if chains:
        samples = [read_sample(run_dir / c["dir"], c["id"]) for c in chains]
        best = (run.get("agreement") or {}).get("bestChain")
        chosen = next((s for s in samples if s.id == best), None)
    else:
        samples = [read_sample(run_dir, "run")]
        chosen = samples[0]
    return Result(dir=run_dir, summary=summary, samples=samples, chosen=chosen, command=command or [], run=run)


def render_html(result: Result) -> str:
    """The result, a line per sample, the code collapsed, and the command that opens the run in the viewer."""
    esc = html.escape
    s = result.summary
    head = f"<b>{esc(str(result.run.get('status', '')))}</b> · {esc(str(result.run.get('mode', '')))}"
    if result.result is not None:
        head += f" · result <code>{esc(json.dumps(result.result))}</code>"
    if s.get("score") is not None:
        head += f" · {esc(str(s.get('metric', 'score')))} {esc(str(s.get('score')))}"
    t = result.timings
    head += f" · {t['wall']:.1f}s (models {t['model']:.1f}s, sandbox {t['sandbox']:.1f}s) · {result.tokens['total']} tokens"
    rows = "".join(
        f"<tr><td>{esc(x.id or 'run')}</td><td>{esc(x.status)}</td><td>{esc(json.dumps(x.result)) if x.result is not None else ''}</td>"
        f"<td>{esc(str(x.score)) if x.score is not None else ''}</td><td>{len(x.attempts)}</td><td>{esc(x.failure or '')}</td></tr>"
        for x in result.samples
    )
    table = (
        f"<table><tr><th>sample</th><th>status</th><th>result</th><th>score</th><th>attempts</th><th>failure</th></tr>{rows}</table>"
        if len(result.samples) > 1
        else ""
    )
    failure = f"<p>failure: {esc(str(s['failure']))}</p>" if s.get("failure") else ""
    c = result.consistency
    if c and c.get("samples", 0) > 1:
        failure += (
            f"<p>majority <code>{esc(json.dumps(c.get('majority')))}</code> — {c.get('majorityCount')} of {c.get('samples')} samples ({round(100 * c.get('share', 0))}%)</p>"
            if c.get("agreement")
            else f"<p>no agreement: {c.get('withResult')} of {c.get('samples')} samples gave a result, no result holds more than half</p>"
        )
    code = f"<details><summary>code ({len((result.code or '').splitlines())} lines)</summary><pre>{esc(result.code or '')}</pre></details>"
    stdout = f"<details><summary>stdout</summary><pre>{esc(result.stdout)}</pre></details>" if result.stdout else ""
    view = f"<p>open the run: <code>{esc(result.view_command)}</code></p>"
    return f"<div class='linguacodus-result'><p>{head}</p>{failure}{table}{code}{stdout}{view}</div>"
