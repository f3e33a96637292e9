"""The linguacodus CLI as a child process: where it is, the environment it gets, following its run and stopping it.

Nothing of the pipeline lives here: the CLI does the work and writes the run record; this module starts it with
``--json``, follows the record's events.jsonl for progress, and stops it on KeyboardInterrupt.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence


class LinguacodusError(RuntimeError):
    """The CLI failed: ``message`` is its own one-line reason; ``run_dir`` the run folder when one was made."""

    def __init__(self, message: str, run_dir: Optional[Path] = None, exit_code: Optional[int] = None):
        super().__init__(message)
        self.run_dir = run_dir
        self.exit_code = exit_code


class RunInterrupted(KeyboardInterrupt):
    """A KeyboardInterrupt that stopped a CLI run; the run folder stays (``linguacodus run --resume`` continues it)."""

    def __init__(self, run_dir: Optional[Path], pid: int):
        where = f"; the run folder {run_dir} keeps what was done" if run_dir else ""
        super().__init__(f"linguacodus stopped{where}")
        self.run_dir = run_dir
        self.pid = pid


# The kernel's environment reaches the CLI only through this list: what Node, Docker and the CLI read. A notebook's
# kernel holds whatever its user exported (cloud credentials, database passwords); none of it is the CLI's business.
PASSED_VARIABLES = (
    "PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR",
    "DOCKER_HOST", "DOCKER_CONFIG", "DOCKER_CERT_PATH", "DOCKER_TLS_VERIFY", "DOCKER_CONTEXT",
    "MLEBENCH_DIR", "PYTHON",
)
PASSED_PREFIX = "LINGUACODUS_"
# A provider's key passes only when a model spec names that provider (openai:…, gemini:…).
PROVIDER_KEYS: Dict[str, Sequence[str]] = {
    "openai": ("OPENAI_API_KEY",),
    "gemini": ("GEMINI_API_KEY", "GOOGLE_API_KEY"),
}


def child_environment(model_specs: Iterable[Optional[str]], env: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """The environment the CLI gets: the passed variables, LINGUACODUS_*, and the keys of the providers in use."""
    source = dict(os.environ if env is None else env)
    out = {name: source[name] for name in PASSED_VARIABLES if name in source}
    out.update({name: value for name, value in source.items() if name.startswith(PASSED_PREFIX)})
    providers = {spec.split(":", 1)[0] for spec in model_specs if spec and ":" in spec}
    for provider in providers:
        for name in PROVIDER_KEYS.get(provider, ()):
            if name in source:
                out[name] = source[name]
    return out


def _package_json_names_linguacodus(folder: Path) -> bool:
    try:
        return json.loads((folder / "package.json").read_text()).get("name") == "linguacodus"
    except (OSError, ValueError):
        return False


def find_cli(cli: Optional[str] = None, node: Optional[str] = None) -> List[str]:
    """The command that starts the CLI: ``cli`` (a .js file runs with node), else the repo's built dist/cli/main.js
    (found above the working directory or this package), else ``linguacodus`` on PATH."""
    node = node or shutil.which("node") or "node"
    if cli:
        path = Path(cli).expanduser()
        if cli.endswith(".js"):
            if not path.is_file():
                raise LinguacodusError(f"the CLI {path} does not exist: build it with 'npm run build' in the linguacodus repo")
            return [node, str(path)]
        return [str(path) if path.exists() else cli]
    for start in (Path.cwd(), Path(__file__).resolve().parent):
        for folder in (start, *start.parents):
            main = folder / "dist" / "cli" / "main.js"
            if main.is_file() and _package_json_names_linguacodus(folder):
                return [node, str(main)]
    on_path = shutil.which("linguacodus")
    if on_path:
        return [on_path]
    raise LinguacodusError(
        "the linguacodus CLI was not found: build it ('npm run build' in the repo) and set LINGUACODUS_CLI=<repo>/dist/cli/main.js "
        "(or %linguacodus_config cli=…), or put 'linguacodus' on PATH (npm link)"
    )


@dataclass
class Progress:
    """What the record says so far: its folder, the stage in progress, the lines worth showing."""

    run_dir: Optional[Path] = None
    stage: str = "starting"
    lines: List[str] = field(default_factory=list)
    elapsed: float = 0.0


def _describe(event: dict) -> Optional[str]:
    kind = event.get("type")
    if kind == "stage.finished":
        mark = "✓" if event.get("ok") else "✗"
        detail = f" — {str(event.get('detail', '')).splitlines()[0]}" if event.get("detail") and not event.get("ok") else ""
        return f"{mark} {event.get('stage')} {event.get('durationMs', 0) / 1000:.1f}s{detail}"
    if kind == "attempt.finished":
        error = f" {event['errorClass']}" if event.get("errorClass") else ""
        return f"  attempt {event.get('attempt')} ({event.get('kind')}): {event.get('outcome')}{error}"
    if kind == "feedback.finished":
        return f"  feedback round {event.get('round')}: {'changed' if event.get('changed') else 'unchanged'}"
    if kind == "run.finished":
        return f"run {event.get('status')}"
    return None


class _RecordFollower:
    """Finds the run folder the CLI makes under ``out`` and reads its events.jsonl as it grows, and each chain's
    (chains/<id>/events.jsonl, its lines marked with the chain id)."""

    def __init__(self, out: Optional[Path]):
        self.out = out
        self.before = set(os.listdir(out)) if out and out.is_dir() else set()
        self.offsets: Dict[Path, int] = {}
        self.progress = Progress()

    def _find(self) -> Optional[Path]:
        if not self.out or not self.out.is_dir():
            return None
        fresh = [self.out / name for name in set(os.listdir(self.out)) - self.before if (self.out / name / "run.json").is_file()]
        return sorted(fresh)[0] if fresh else None

    def _new_events(self, path: Path) -> List[dict]:
        """The complete lines appended to ``path`` since the last read."""
        with path.open("rb") as handle:
            handle.seek(self.offsets.get(path, 0))
            chunk = handle.read()
        complete = chunk[: chunk.rfind(b"\n") + 1]
        self.offsets[path] = self.offsets.get(path, 0) + len(complete)
        events = []
        for raw in complete.decode("utf8", "replace").splitlines():
            try:
                events.append(json.loads(raw))
            except ValueError:
                continue
        return events

    def poll(self) -> Progress:
        if self.progress.run_dir is None:
            self.progress.run_dir = self._find()
        run_dir = self.progress.run_dir
        if run_dir is None:
            return self.progress
        logs = [("", run_dir / "events.jsonl")]
        chains = run_dir / "chains"
        if chains.is_dir():
            logs += [(f"[{c.name}] ", c / "events.jsonl") for c in sorted(chains.iterdir())]
        for prefix, path in logs:
            if not path.is_file():
                continue
            for event in self._new_events(path):
                if event.get("type") == "stage.started":
                    self.progress.stage = f"{prefix}{event.get('stage')}"
                line = _describe(event)
                if line:
                    self.progress.lines.append(f"{prefix}{line}")
        return self.progress


@dataclass
class CliOutcome:
    code: int
    stdout: str
    stderr: str
    run_dir: Optional[Path]


def _stop(child: subprocess.Popen, grace: float) -> None:
    """SIGINT (the CLI records the run as interrupted at its next stage or attempt), then a second SIGINT after
    ``grace`` seconds (it exits now, the record as it stands), then SIGKILL to its process group."""
    for sig, wait in ((signal.SIGINT, grace), (signal.SIGINT, 5.0)):
        try:
            child.send_signal(sig)
        except ProcessLookupError:
            return
        try:
            child.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    child.wait()


def run_cli(
    command: Sequence[str],
    args: Sequence[str],
    *,
    env: Dict[str, str],
    out: Optional[Path],
    on_progress: Optional[Callable[[Progress], None]] = None,
    poll_seconds: float = 0.5,
    interrupt_grace: float = 10.0,
) -> CliOutcome:
    """Runs the CLI to its end, calling ``on_progress`` as its record grows; KeyboardInterrupt stops it (RunInterrupted)."""
    started = time.monotonic()
    follower = _RecordFollower(out)
    # Its own session: Jupyter's interrupt signals the kernel's process group, and the CLI must get one SIGINT, from here.
    child = subprocess.Popen(
        [*command, *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True
    )
    streams = {"stdout": b"", "stderr": b""}

    def drain(name: str, pipe) -> None:
        for chunk in iter(lambda: pipe.read(65536), b""):
            streams[name] += chunk

    readers = [threading.Thread(target=drain, args=(name, getattr(child, name)), daemon=True) for name in streams]
    for reader in readers:
        reader.start()
    try:
        while child.poll() is None:
            time.sleep(poll_seconds)
            progress = follower.poll()
            progress.elapsed = time.monotonic() - started
            if on_progress:
                on_progress(progress)
    except KeyboardInterrupt:
        _stop(child, interrupt_grace)
        raise RunInterrupted(follower.poll().run_dir, child.pid) from None
    for reader in readers:
        reader.join()
    progress = follower.poll()
    progress.elapsed = time.monotonic() - started
    if on_progress:
        on_progress(progress)
    return CliOutcome(child.returncode, streams["stdout"].decode("utf8", "replace"), streams["stderr"].decode("utf8", "replace"), progress.run_dir)


def cli_message(stderr: str) -> str:
    """The CLI's own reason: its last 'linguacodus: …' line (warnings before it are not the failure)."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    reasons = [line[len("linguacodus: "):] for line in lines if line.startswith("linguacodus: ")]
    if reasons:
        return reasons[-1]
    return lines[-1] if lines else "the CLI failed without a message"
