// parsePythonError on real tracebacks: the fixtures are the stderr of scripts run by python3 3.11
// (fixtures/tracebacks/*.txt; the sandbox-* ones come from the sandbox image itself).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parsePythonError, SANDBOX_SCRIPT_PATH } from "../../sandbox/index.js";

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, "fixtures", "tracebacks", `${name}.txt`), "utf8");
const parse = (name: string) => parsePythonError(fixture(name), SANDBOX_SCRIPT_PATH);

describe("parsePythonError", () => {
  it("reads type, message and the last frame in the script of a nested KeyError", () => {
    const error = parse("keyerror_nested");
    expect(error).toMatchObject({ type: "KeyError", message: "'price'", line: 4 });
    expect(error?.tracebackTail).toContain("Traceback (most recent call last):");
    expect(error?.tracebackTail.endsWith("KeyError: 'price'")).toBe(true);
  });

  it("reads a syntax error, which has no Traceback header", () => {
    const error = parse("syntax_error");
    expect(error?.type).toBe("SyntaxError");
    expect(error?.line).toBe(2);
    expect(error?.message).toContain("invalid syntax");
  });

  it("reads an IndentationError", () => {
    expect(parse("indentation")).toMatchObject({ type: "IndentationError", line: 2 });
  });

  it("takes the last exception of a chain, with its multi-line message", () => {
    const error = parse("chained");
    expect(error?.type).toBe("ValueError");
    expect(error?.message).toBe("config is not JSON:\n  first line: not json");
    expect(error?.line).toBe(7);
    expect(error?.tracebackTail).not.toContain("JSONDecodeError: Expecting value");
  });

  it("points at the script's frame when the exception was raised inside a library, keeping a dotted type", () => {
    const error = parse("library_frame");
    expect(error?.type).toBe("json.decoder.JSONDecodeError");
    expect(error?.message).toContain("Expecting property name");
    expect(error?.line).toBe(3);
  });

  it("ignores output before the traceback", () => {
    expect(parse("zero_division_warning_before")).toMatchObject({ type: "ZeroDivisionError", message: "division by zero", line: 5 });
  });

  it("returns undefined when stderr holds no exception", () => {
    expect(parse("exit_message")).toBeUndefined();
    expect(parsePythonError("", SANDBOX_SCRIPT_PATH)).toBeUndefined();
    expect(parsePythonError("some warning\nanother line\n", SANDBOX_SCRIPT_PATH)).toBeUndefined();
  });

  it("leaves line undefined when no frame is in the script", () => {
    const stderr = fixture("library_frame").replaceAll(SANDBOX_SCRIPT_PATH, "/elsewhere/other.py");
    const error = parsePythonError(stderr, SANDBOX_SCRIPT_PATH);
    expect(error?.type).toBe("json.decoder.JSONDecodeError");
    expect(error?.line).toBeUndefined();
  });

  it("reads a pandas KeyError from the sandbox image (frames deep inside pandas)", () => {
    const error = parse("sandbox_pandas_keyerror");
    expect(error?.type).toBe("KeyError");
    expect(error?.message).toBe("'price'");
    expect(error?.line).toBe(5);
  });

  it("reads a scikit-learn ValueError from the sandbox image", () => {
    const error = parse("sandbox_sklearn_valueerror");
    expect(error?.type).toBe("ValueError");
    expect(error?.message).toMatch(/could not convert string to float|Input X contains NaN/);
    expect(error?.line).toBe(4);
  });
});
