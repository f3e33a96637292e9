"""%%linguacodus (a cell's body is the request) and %linguacodus_config (defaults), loaded by %load_ext linguacodus."""
from __future__ import annotations

import argparse
import html
import shlex
from typing import Any, Dict

from .api import _defaults, config, generate_code, run
from .cli import LinguacodusError, Progress, RunInterrupted

LAST_RESULT = "_linguacodus"
# The RunInterrupted of the last interrupted cell (its run_dir: the folder kept; its pid: the CLI that was stopped).
LAST_INTERRUPT = "_linguacodus_interrupted"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="%%linguacodus", add_help=False)
    p.add_argument("--data")
    p.add_argument("--model")
    p.add_argument("--mode", choices=["direct", "linguacodus"])
    p.add_argument("--parallel", type=int)
    p.add_argument("--iterative", type=int)
    p.add_argument("--fix-attempts", type=int)
    p.add_argument("--feedback", type=int)
    p.add_argument("--reviewer")
    p.add_argument("--timeout", type=int)
    p.add_argument("--sandbox")
    p.add_argument("--out")
    # A competition instead of a free-form request: the cell's body is then ignored.
    p.add_argument("--task")
    # The variable that receives the Result (besides _linguacodus).
    p.add_argument("--as", dest="name")
    return p


def _progress_html(progress: Progress) -> str:
    where = f" · <code>{html.escape(str(progress.run_dir))}</code>" if progress.run_dir else ""
    lines = html.escape("\n".join(progress.lines[-12:]))
    return f"<div><b>linguacodus</b> · {html.escape(progress.stage)} · {progress.elapsed:.0f}s{where}<pre>{lines}</pre></div>"


def _config_values(line: str) -> Dict[str, Any]:
    values: Dict[str, Any] = {}
    for token in shlex.split(line):
        if "=" not in token:
            raise ValueError(f"%linguacodus_config takes key=value pairs (model=… data=…), got '{token}'")
        key, value = token.split("=", 1)
        key = key.strip().replace("-", "_")
        values[key] = None if value == "" else int(value) if value.isdigit() else value
    return values


def load_ipython_extension(ipython: Any) -> None:
    from IPython.core.magic import register_cell_magic, register_line_magic
    from IPython.display import HTML, display

    @register_line_magic
    def linguacodus_config(line: str) -> Dict[str, Any]:
        """%linguacodus_config model=openai:gpt-4o-mini data=input_data/ — defaults of later cells (key= drops a setting made here)."""
        return config(**_config_values(line)) if line.strip() else _defaults()

    @register_cell_magic
    def linguacodus(line: str, cell: str) -> None:
        """%%linguacodus [--data DIR] [--model SPEC] [--parallel N] …: the cell's body is the request."""
        args = _parser().parse_args(shlex.split(line))
        handle = display(HTML("<div><b>linguacodus</b> · starting</div>"), display_id=True)

        def on_progress(progress: Progress) -> None:
            handle.update(HTML(_progress_html(progress)))

        options = {
            "model": args.model,
            "mode": args.mode,
            "parallel": args.parallel,
            "iterative": args.iterative,
            "fix_attempts": args.fix_attempts,
            "feedback": args.feedback,
            "reviewer": args.reviewer,
            "timeout": args.timeout,
            "on_progress": on_progress,
            **({"sandbox": args.sandbox} if args.sandbox else {}),
            **({"out": args.out} if args.out else {}),
        }
        if not args.task and not cell.strip():
            raise ValueError("%%linguacodus: the cell's body is the request, and it is empty (or give --task for a competition)")
        try:
            result = run(args.task, **options) if args.task else generate_code(cell.strip(), data=args.data, **options)
        except RunInterrupted as stopped:
            ipython.user_ns[LAST_INTERRUPT] = stopped
            handle.update(HTML(f"<div><b>linguacodus</b> · stopped · the run folder <code>{html.escape(str(stopped.run_dir))}</code> keeps what was done</div>"))
            raise
        except LinguacodusError as error:
            handle.update(HTML(f"<div><b>linguacodus</b> · failed: {html.escape(str(error))}</div>"))
            raise
        ipython.user_ns[LAST_RESULT] = result
        if args.name:
            ipython.user_ns[args.name] = result
        handle.update(HTML(result._repr_html_()))
        for figure in result.figures:
            display(figure)

    del linguacodus_config, linguacodus
