// `linguacodus view` as a user runs it (the built CLI as a child process): it prints the URL of a server that
// answers and stops on Ctrl-C; --export writes one HTML file with the data embedded and a hash-locked CSP;
// bad arguments end with a one-line reason.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli, linguacodus } from "../support/cli.js";
import { SCRIPT_V1, SCRIPT_V2, finishFixture, fixtureRun } from "./fixtures.js";
import { buildWebBundle } from "./support.js";

let root: string;

beforeAll(async () => {
  await Promise.all([buildCli(), buildWebBundle()]);
  root = mkdtempSync(join(tmpdir(), "lc-view-cli-"));
  const run = fixtureRun(join(root, "run-a"));
  run.addAttempt({ valid: false, script: SCRIPT_V1 });
  run.addAttempt({ valid: true, script: SCRIPT_V2 });
  finishFixture(run);
}, 600_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("linguacodus view", () => {
  it("prints the URL of a loopback server over the folder and stops on SIGINT", async () => {
    const { child } = linguacodus(["view", root, "--port", "0"]);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          const line = out.split("\n").find((l) => l.startsWith("http"));
          if (line) resolve(line.trim());
        });
        child.on("exit", (code) => reject(new Error(`view exited with ${code} before printing a URL`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const index = (await (await fetch(`${url}api/index`)).json()) as { kind: string; runs: { path: string; state: string }[] };
      expect(index.kind).toBe("runs");
      expect(index.runs.map((r) => [r.path, r.state])).toEqual([["run-a", "succeeded"]]);
      const page = await (await fetch(url)).text();
      expect(page).toContain("/assets/app.js");
      const code = new Promise<number | null>((resolve) => child.on("exit", resolve));
      child.kill("SIGINT");
      await expect(code).resolves.toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("--export writes one self-contained file: bundle, style and data inline, scripts allowed only by hash", async () => {
    const file = join(root, "out", "view.html");
    const result = await linguacodus(["view", "--export", file, root]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(file);
    expect(result.stderr).toMatch(/exported 1 run\(s\) and \d+ model call\(s\)/);
    const html = readFileSync(file, "utf8");
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-/);
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toContain("window.__xss");
    const data = /<script type="application\/octet-stream" id="lc-export">([A-Za-z0-9+/=]+)<\/script>/.exec(html)?.[1];
    const bundle = JSON.parse(gunzipSync(Buffer.from(data!, "base64")).toString("utf8")) as { runs: Record<string, { attempts: { attempt: string }[] }>; calls: Record<string, unknown[]> };
    expect(bundle.runs["run-a"]!.attempts.map((a) => a.attempt)).toEqual(["001", "002"]);
    expect(bundle.calls["run-a"]!.length).toBe(4);
  });

  it("bad arguments end with a reason and exit code 2", async () => {
    const missing = await linguacodus(["view", join(root, "no-such-folder")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("is not a folder");
    const port = await linguacodus(["view", root, "--port", "70000"]);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain("--port");
  });
});
