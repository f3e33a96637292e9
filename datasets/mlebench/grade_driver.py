"""Grades one submission with an MLE-bench competition's own grade function, inside the linguacodus sandbox.

/data (read-only) holds:
  job.json      {"grade_fn": "mlebench.competitions.<id>.grade:grade", "submission": "...", "answers": "..."}
  checkout/     the *.py files of the user's MLE-bench checkout (mlebench/...)
  the submission and the answers file named in job.json

Writes result.json in the working directory:
  {"status": "graded", "score": <round(score, 5)>, "raw_score": <score>}
  {"status": "undefined", "raw_score": "nan"}  the grader returned NaN or infinity (valid for MLE-bench, no score)
  {"status": "invalid", "error": "..."}       the grader refused the submission (as MLE-bench's Grader: None)
  {"status": "grader-error", "error": "..."}  the grade function could not be loaded (a task problem)

This mirrors mlebench.grade.grade_csv and mlebench.grade_helpers.Grader.__call__: the submission and answers
are read with mlebench.utils.read_csv / load_answers, any exception of the grade function makes the
submission invalid, and a score is rounded to 5 decimals with Python's round().
"""

import importlib
import json
import math
import sys
import traceback
import types
from pathlib import Path

DATA = Path("/data")
RESULT = Path("result.json")


def write(result):
    RESULT.write_text(json.dumps(result))


def install_shim(name, passthrough=None):
    """Import-time-only dependencies of mlebench.utils that grading never calls (archive, YAML, progress bars).

    A module the sandbox image lacks gets a stand-in whose use raises a clear error; tqdm passes iterables
    through unchanged, since grading code may wrap a loop in a progress bar.
    """
    try:
        importlib.import_module(name)
        return
    except ImportError:
        pass

    def missing(attr):
        if attr.startswith("__"):  # the import system probes __path__, __spec__, …
            raise AttributeError(attr)
        raise ModuleNotFoundError(
            f"{name}.{attr}: {name} is not installed in the linguacodus sandbox image (only imported by mlebench.utils)"
        )

    module = types.ModuleType(name)
    module.__getattr__ = missing  # type: ignore[attr-defined]
    module.__path__ = []  # a package, so that `from tqdm.auto import tqdm` finds the submodule shim
    if passthrough is not None:
        for attr, value in passthrough.items():
            setattr(module, attr, value)
    sys.modules[name] = module


def tqdm_passthrough(iterable=None, *args, **kwargs):
    return iterable if iterable is not None else []


def main():
    job = json.loads((DATA / "job.json").read_text())
    install_shim("py7zr")
    install_shim("yaml")
    install_shim("tqdm", {"tqdm": tqdm_passthrough})
    install_shim("tqdm.auto", {"tqdm": tqdm_passthrough})
    sys.path.insert(0, str(DATA / "checkout"))
    try:
        from mlebench.grade_helpers import InvalidSubmissionError
        from mlebench.utils import import_fn, load_answers, read_csv

        grade_fn = import_fn(job["grade_fn"])
    except Exception as error:  # the checkout or the image cannot load this grader: not the submission's fault
        write({"status": "grader-error", "error": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc()[-4000:]})
        return

    submission = read_csv(DATA / job["submission"])
    answers = load_answers(DATA / job["answers"])
    try:
        score = grade_fn(submission, answers)
    except InvalidSubmissionError as error:
        write({"status": "invalid", "error": f"InvalidSubmissionError: {error}"})
        return
    except Exception as error:  # MLE-bench's Grader also turns any other exception into an invalid submission
        write({"status": "invalid", "error": f"the competition's grader failed: {type(error).__name__}: {error}", "traceback": traceback.format_exc()[-4000:]})
        return
    raw = float(score)
    if not math.isfinite(raw):
        # MLE-bench's grade_csv counts it valid (the score is not None); NaN then wins nothing. JSON has no NaN.
        write({"status": "undefined", "raw_score": str(raw)})
        return
    write({"status": "graded", "score": float(round(score, 5)), "raw_score": raw})


if __name__ == "__main__":
    main()
