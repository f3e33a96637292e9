"""linguacodus from Jupyter: generate_code, run, bench, save_notebook, and the %%linguacodus cell magic.

The package drives the installed linguacodus CLI (``--json``) and reads the run records it writes; the pipeline
itself is the CLI's. Load the magic with ``%load_ext linguacodus``.
"""
from .api import BenchResult, bench, config, generate_code, run, save_notebook
from .cli import LinguacodusError, RunInterrupted, child_environment, find_cli
from .magic import load_ipython_extension
from .records import Attempt, Result, Sample, read_result

__all__ = [
    "Attempt", "BenchResult", "LinguacodusError", "Result", "RunInterrupted", "Sample",
    "bench", "child_environment", "config", "find_cli", "generate_code", "load_ipython_extension", "read_result", "run", "save_notebook",
]
