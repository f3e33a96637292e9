// --unit-tests in the sandbox: the driver script that turns a run's final script into the importable module
// `solution` and runs the tester's pytest file against it, and the reading of the counts it prints.
//
// A script that does its work at top level would run it on import (train a model, write files, minutes of work)
// before any test starts. The driver therefore imports the script as a module of its *definitions*: Python's own
// parser (in the sandbox) keeps the top-level imports, functions, classes, docstrings, literal or UPPER_CASE constant
// assignments and try-blocks of imports; every other top-level statement (the work, and any
// `if __name__ == "__main__":` block) is blanked line by line, so line numbers in tracebacks are the script's own.
import { embeddedText } from "./syntax.js";

const REPORT_MARKER = "LINGUACODUS_UNIT_TESTS:";
/** The names the tests see: `from solution import …` in test_solution.py (the record's UNIT_TEST_FILES.tests). */
export const UNIT_TEST_MODULE = "solution";

/** What the driver printed last: pytest's counts so far (a run cut by its timeout keeps the counts it reached). */
export interface UnitTestReport {
  collected: number;
  passed: number;
  failed: number;
  skipped: number;
  errors: number;
  /** pytest's exit code (absent when the run did not get to the end). */
  exit?: number;
  module?: { keptStatements: number; droppedStatements: number };
}

/** The driver: writes solution.py (the script's definitions) and the tests into the workspace, runs pytest in-process. */
export function unitTestDriver(input: { script: string; tests: string; testFile: string }): string {
  return `import ast, json, sys
${embeddedText("script", input.script)}
${embeddedText("tests", input.tests)}
MARK = ${JSON.stringify(REPORT_MARKER)}
counts = {"collected": 0, "passed": 0, "failed": 0, "skipped": 0, "errors": 0}

def emit(**extra):
    print(MARK + json.dumps({**counts, **extra}), flush=True)

def literal(node):
    try:
        ast.literal_eval(node)
        return True
    except Exception:
        return False

def constant_name(target):
    return isinstance(target, ast.Name) and target.id.isupper()

def calls_own(node):
    # A constant computed by the script's own functions (RESULT = main()) is its work, not a definition.
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in defined for n in ast.walk(node))

def definitional(node):
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return True
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
        return True
    if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return literal(node.value) or (all(constant_name(t) for t in targets) and not calls_own(node.value))
    if isinstance(node, ast.Try):
        return all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in node.body)
    return False

def module_of(source):
    global defined
    tree = ast.parse(source)
    defined = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    lines = source.split("\\n")
    dropped = [n for n in tree.body if not definitional(n)]
    for node in dropped:
        for i in range(node.lineno - 1, node.end_lineno):
            lines[i] = ""
    module = "\\n".join(lines)
    try:
        ast.parse(module)
    except SyntaxError:
        # A dropped statement shared a line with a kept one (a; b): fall back to the kept statements re-printed.
        module = ast.unparse(ast.Module(body=[n for n in tree.body if definitional(n)], type_ignores=[]))
    return module, {"keptStatements": len(tree.body) - len(dropped), "droppedStatements": len(dropped)}

module, shape = module_of(script)
with open(${JSON.stringify(`${UNIT_TEST_MODULE}.py`)}, "w") as f:
    f.write(module)
with open(${JSON.stringify(input.testFile)}, "w") as f:
    f.write(tests)
emit(module=shape)

import pytest

class Tally:
    def pytest_collectreport(self, report):
        if report.failed:
            counts["errors"] += 1
            emit()

    def pytest_collection_finish(self, session):
        counts["collected"] = len(session.items)
        emit()

    def pytest_runtest_logreport(self, report):
        if report.when == "call":
            key = "passed" if report.passed else "failed" if report.failed else "skipped"
            counts[key] += 1
        elif report.failed:
            counts["errors"] += 1
        elif report.skipped:
            counts["skipped"] += 1
        emit()

code = pytest.main(["-q", "--tb=short", "-p", "no:cacheprovider", "-o", "addopts=", "--rootdir", ".", ${JSON.stringify(input.testFile)}], plugins=[Tally()])
emit(module=shape, exit=int(code))
`;
}

/** The driver's last report line, or undefined when it printed none (it did not get as far as writing the module). */
export function readUnitTestReport(stdout: string): UnitTestReport | undefined {
  const reports = stdout
    .split("\n")
    .filter((l) => l.startsWith(REPORT_MARKER))
    .flatMap((l) => {
      // A line cut by the output cap is skipped; the ones around it still count.
      try {
        return [JSON.parse(l.slice(REPORT_MARKER.length)) as UnitTestReport];
      } catch {
        return [];
      }
    });
  const last = reports.at(-1);
  if (!last) return undefined;
  const module = reports.find((r) => r.module !== undefined)?.module;
  return { ...last, ...(module ? { module } : {}) };
}

/** `def test_…` functions in a test file (also in one that does not parse: what the tester wrote). */
export function countTestFunctions(tests: string): number {
  return tests.match(/^[ \t]*(?:async[ \t]+)?def[ \t]+test\w*[ \t]*\(/gm)?.length ?? 0;
}
