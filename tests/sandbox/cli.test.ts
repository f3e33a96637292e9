// `linguacodus sandbox …` through the built CLI, on the real engine.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCli, linguacodus } from "../support/cli.js";
import { ensureSandboxImage } from "./engine-helpers.js";

let work: string;

beforeAll(async () => {
  await ensureSandboxImage();
  await buildCli();
  work = mkdtempSync(join(tmpdir(), "lc-sandbox-cli-"));
  mkdirSync(join(work, "task", "public"), { recursive: true });
  writeFileSync(join(work, "task", "public", "train.csv"), "id,y\n1,42\n");
  writeFileSync(join(work, "ok.py"), 'import pandas as pd\nprint(pd.read_csv("/data/train.csv").y.sum())\nopen("submission.csv", "w").write("id,y\\n1,0\\n")\n');
  writeFileSync(join(work, "bad.py"), "x = {}\nx['nope']\n");
});

describe("linguacodus sandbox", () => {
  it("runs a script with the task's public data and prints the result as JSON", async () => {
    const out = join(work, "out");
    const r = await linguacodus(["sandbox", "run", join(work, "ok.py"), "--task", join(work, "task"), "--json", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { outcome: string; stdout: string; files: Record<string, string> };
    expect(result.outcome).toBe("ok");
    expect(result.stdout).toBe("42\n");
    expect(result.files["submission.csv"]).toBe(join(out, "submission.csv"));
    expect(existsSync(join(out, "submission.csv"))).toBe(true);
  });

  it("prints outcome, exit code and the error line, and exits non-zero on a failing script", async () => {
    const r = await linguacodus(["sandbox", "run", join(work, "bad.py"), "--timeout", "30"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("KeyError: 'nope'");
    expect(r.stderr).toMatch(/\[error\] exit 1, [\d.]+ s — KeyError at line 2/);
  });

  it("rejects a task folder without public/ and a bad timeout, naming the flag", async () => {
    expect((await linguacodus(["sandbox", "run", join(work, "ok.py"), "--task", work])).stderr).toMatch(/--task .*no public\/ folder/);
    expect((await linguacodus(["sandbox", "run", join(work, "ok.py"), "--timeout", "soon"])).stderr).toMatch(/--timeout must be a number > 0 \(got 'soon'\)/);
  });

  it("warns when asked to run locally", async () => {
    const r = await linguacodus(["sandbox", "run", join(work, "bad.py"), "--sandbox", "local"]);
    expect(r.stderr).toContain("WITHOUT isolation");
    expect(r.stderr).toContain("KeyError");
  });

  it("check: says the engine, image and an isolated run are fine", async () => {
    const r = await linguacodus(["sandbox", "check"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ok {3}Docker engine: reachable/m);
    expect(r.stdout).toMatch(/^ok {3}sandbox image: linguacodus-sandbox:\w+: Python 3\.\d+\.\d+; numpy/m);
    expect(r.stdout).toMatch(/^ok {3}isolated run:/m);
    expect(r.stdout).toContain("--sandbox local");
  });

  it("check and run: say plainly when no engine is reachable, with the fix", async () => {
    const env = { DOCKER_HOST: "unix:///nonexistent/docker.sock" };
    const check = await linguacodus(["sandbox", "check"], env);
    expect(check.code).not.toBe(0);
    expect(check.stdout).toContain("FAIL Docker engine: no Docker engine at unix:///nonexistent/docker.sock");
    expect(check.stdout).toContain("fix: install docker.io and start dockerd, or set DOCKER_HOST");
    const run = await linguacodus(["sandbox", "run", join(work, "ok.py")], env);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("no Docker engine at unix:///nonexistent/docker.sock: install docker.io and start dockerd, or set DOCKER_HOST");
  });

  it("build --offline does nothing when the image of this recipe exists", async () => {
    const r = await linguacodus(["sandbox", "build", "--offline", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ skipped: true });
  });
});
