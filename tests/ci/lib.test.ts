// .ci/lib.sh's `step`: one line per step on the terminal, the tools' output in the log file, the log's tail shown
// (and the exit status kept) only when a step fails. Real bash, real files.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";

const lib = resolve(".ci/lib.sh");
const run = promisify(execFile);
const homes: string[] = [];
afterEach(async () => {
  await Promise.all(homes.splice(0).map((home) => rm(home, { recursive: true, force: true })));
});

async function script(body: string): Promise<{ code: number; stdout: string; stderr: string; log: string }> {
  const home = await mkdtemp(join(tmpdir(), "lc-ci-lib-"));
  homes.push(home);
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", LINGUACODUS_HOME: home };
  const source = `set -euo pipefail\nsource ${JSON.stringify(lib)}\n${body}\n`;
  let code = 0;
  let stdout = "";
  let stderr = "";
  try {
    ({ stdout, stderr } = await run("bash", ["--norc", "--noprofile", "-c", source], { env }));
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    ({ code, stdout, stderr } = failed);
  }
  const logs = (await readdir(join(home, "logs"))).filter((name) => name.startsWith("setup-2"));
  expect(logs).toHaveLength(1);
  return { code, stdout, stderr, log: await readFile(join(home, "logs", logs[0]!), "utf8") };
}

describe(".ci/lib.sh step", () => {
  it("prints one timed line per step and keeps the tools' output in the log", async () => {
    const result = await script(
      `chatty() { for i in $(seq 1 50); do echo "noise $i"; done; echo "to stderr" >&2; step_note "cached"; }\n` +
        `step "first" chatty\nstep "second" echo hello`,
    );
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[setup\] first\s+ok \(\d+\.\d s\), cached$/);
    expect(lines[1]).toMatch(/^\[setup\] second\s+ok \(\d+\.\d s\)$/);
    expect(result.stderr).toBe("");
    expect(result.log).toContain("noise 50");
    expect(result.log).toContain("to stderr");
    expect(result.log).toContain("hello");
  });

  it("stops a step function at its first failing command, shows the log's tail and keeps the status", async () => {
    const result = await script(
      `broken() { echo "before the failure"; (exit 7); echo "after the failure"; }\n` +
        `step "ok step" true\nstep "broken step" broken\nstep "never" echo unreachable`,
    );
    expect(result.code).toBe(7);
    expect(result.stdout).toMatch(/\[setup\] broken step\s+FAILED \(exit 7 after/);
    expect(result.stdout).not.toContain("never");
    expect(result.stderr).toContain("before the failure");
    expect(result.stderr).toContain("full log:");
    expect(result.log).not.toContain("after the failure");
  });

  it("runs a step nested in a step without a second line (the outer step logs it)", async () => {
    const result = await script(`inner() { step "inner" echo nested-output; }\nstep "outer" inner`);
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split("\n")).toHaveLength(1);
    expect(result.log).toContain("=== inner: echo nested-output");
    expect(result.log).toContain("nested-output");
  });
});
