// The non-isolated local runner: only when asked for, warns on every run, same result shape.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LOCAL_SANDBOX_WARNING, LocalSandbox, mapSandboxPaths } from "../../sandbox/index.js";

function task(): string {
  const dir = join(mkdtempSync(join(tmpdir(), "lc-local-")), "public");
  mkdirSync(dir);
  writeFileSync(join(dir, "train.csv"), "id,y\n1,2\n");
  return dir;
}

describe("local runner", () => {
  it("warns on every run", async () => {
    const warnings: string[] = [];
    const local = new LocalSandbox({ warn: (m) => warnings.push(m) });
    await local.run({ script: "print(1)", timeoutSeconds: 30 });
    await local.run({ script: "print(2)", timeoutSeconds: 30 });
    expect(warnings).toEqual([LOCAL_SANDBOX_WARNING, LOCAL_SANDBOX_WARNING]);
    expect(LOCAL_SANDBOX_WARNING).toMatch(/WITHOUT isolation/);
    expect(local.kind).toBe("local");
  });

  it("reads /data and writes the workspace through the host folders, collecting outputs", async () => {
    const publicDir = task();
    const outputDir = mkdtempSync(join(tmpdir(), "lc-local-out-"));
    const local = new LocalSandbox({ warn: () => undefined });
    const result = await local.run({
      script: 'import os\nrows = open("/data/train.csv").read().splitlines()\nopen("submission.csv", "w").write(rows[1])\nprint(os.environ["X"])\n',
      timeoutSeconds: 30,
      publicDir,
      outputDir,
      env: { X: "env-ok" },
    });
    expect(result.outcome, result.stderr).toBe("ok");
    expect(result.stdout).toBe("env-ok\n");
    expect(readFileSync(join(outputDir, "submission.csv"), "utf8")).toBe("1,2");
    expect(Object.keys(result.files)).toEqual(["submission.csv"]);
  });

  it("classifies errors with the script line, timeouts and signals", async () => {
    const local = new LocalSandbox({ warn: () => undefined });
    const error = await local.run({ script: "x = {}\n\nx['missing']\n", timeoutSeconds: 30 });
    expect(error).toMatchObject({ outcome: "error", exitCode: 1, error: { type: "KeyError", line: 3 } });
    const timeout = await local.run({ script: "import subprocess\nsubprocess.Popen(['sleep', '100'])\nwhile True: pass\n", timeoutSeconds: 1 });
    expect(timeout).toMatchObject({ outcome: "timeout", exitCode: null });
    const killed = await local.run({ script: "import os\nos.kill(os.getpid(), 9)\n", timeoutSeconds: 30 });
    expect(killed).toMatchObject({ outcome: "killed", exitCode: 137 });
  });

  it("caps output with a marker", async () => {
    const local = new LocalSandbox({ warn: () => undefined, limits: { maxOutputBytes: 1000 } });
    const result = await local.run({ script: "print('a' * 5000)\nprint('END')\n", timeoutSeconds: 30 });
    expect(result.stdoutTruncated).toBe(true);
    expect(result.stdout).toContain("bytes of output cut here");
    expect(result.stdout.endsWith("END\n")).toBe(true);
    expect(result.stdout.length).toBeLessThan(1200);
  });

  it("maps only the sandbox path literals", () => {
    const script = `a = "/data/train.csv"\nb = '/data'\nc = "/database/x"\nd = "/workspace/out.csv"\n`;
    expect(mapSandboxPaths(script, "/host/pub", "/host/ws")).toBe(
      `a = "/host/pub/train.csv"\nb = '/host/pub'\nc = "/database/x"\nd = "/host/ws/out.csv"\n`,
    );
  });
});
