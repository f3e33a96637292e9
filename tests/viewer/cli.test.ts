// `linguacodus view` as a user runs it (the built CLI as a child process): it prints the URL of a server that
// answers and stops on Ctrl-C; --export writes one HTML file with the data embedded and a hash-locked CSP;
// bad arguments end with a one-line reason.
import type { ChildProcessByStdio } from "node:child_process";
import type { Readable } from "node:stream";
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli, linguacodus } from "../support/cli.js";
import { SCRIPT_V1, SCRIPT_V2, finishFixture, fixtureRun } from "./fixtures.js";
import { buildWebBundle } from "./support.js";

let root: string;

/** The URL `view` prints on stdout once it serves. */
function printedUrl(child: ChildProcessByStdio<null, Readable, Readable>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split("\n").find((l) => l.startsWith("http"));
      if (line) resolve(line.trim());
    });
    child.on("exit", (code) => reject(new Error(`view exited with ${code} before printing a URL`)));
  });
}

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
      const url = await printedUrl(child);
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

  it("a dangling symlink in the opened folder or a run folder is skipped with a reason: the listing and the run page stay whole", async () => {
    const folder = mkdtempSync(join(tmpdir(), "lc-view-dangling-"));
    try {
      const run = fixtureRun(join(folder, "run-a"));
      run.addAttempt({ valid: true, script: SCRIPT_V2 });
      finishFixture(run);
      symlinkSync(join(folder, "no-such-target"), join(folder, "gone"));
      symlinkSync("/no/such/file.py", join(folder, "run-a", "code", "evil.py"));
      symlinkSync("/no/such/folder", join(folder, "run-a", "exec", "009"));
      const { child } = linguacodus(["view", folder, "--port", "0"]);
      try {
        const url = await printedUrl(child);
        const index = (await (await fetch(`${url}api/index`)).json()) as { runs: { path: string; state: string }[]; warnings: string[] };
        expect(index.runs.map((r) => [r.path, r.state])).toEqual([["run-a", "succeeded"]]);
        expect(index.warnings).toContain(`${join(folder, "gone")} is skipped: it cannot be read (ENOENT) (a symbolic link to ${join(folder, "no-such-target")}, which does not exist)`);
        const response = await fetch(`${url}api/run?path=run-a`);
        expect(response.status).toBe(200);
        const page = (await response.json()) as { attempts: { attempt: string }[]; problems: string[] };
        expect(page.attempts.map((a) => a.attempt)).toEqual(["001"]);
        expect(page.problems).toEqual(
          expect.arrayContaining([
            expect.stringMatching(/code\/evil\.py is skipped: .*symbolic link to \/no\/such\/file\.py, which does not exist/),
            expect.stringMatching(/exec\/009 is skipped: .*symbolic link to \/no\/such\/folder/),
          ]),
        );
      } finally {
        child.kill("SIGKILL");
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
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
