// The viewer's server over HTTP (a real socket on 127.0.0.1): paths outside the opened folder are refused,
// bad queries are rejected, foreign Host headers are refused, half-written records still answer with what is
// there, and calls come page by page through the transcript index.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TranscriptIndex } from "../../execution/index.js";
import { startViewer, type ViewerServer } from "../../viewer/index.js";
import { SCRIPT_V1, SCRIPT_V2, finishFixture, fixtureRun } from "./fixtures.js";
import { statusWithHost } from "./support.js";

let root: string;
let outside: string;
let server: ViewerServer;

const get = async (path: string) => {
  const response = await fetch(new URL(path, server.url));
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
};

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "lc-view-http-"));
  outside = mkdtempSync(join(tmpdir(), "lc-view-outside-"));
  writeFileSync(join(outside, "secret.txt"), "not for the viewer\n");
  const a = fixtureRun(join(root, "run-a"));
  a.addAttempt({ valid: false, script: SCRIPT_V1 });
  a.addAttempt({ valid: true, script: SCRIPT_V2 });
  for (let i = 0; i < 120; i++) a.addCall({ role: i % 3 === 0 ? "critic" : "coder", step: i === 7 ? "needle-step" : "preprocessing-block", response: i === 77 ? "the NEEDLE is here" : `answer ${i}` });
  finishFixture(a);
  // A run killed mid-write: no run.json, a cut last event line, a cut transcript line, an attempt without result.
  const b = fixtureRun(join(root, "run-killed"));
  b.addAttempt({ valid: false, script: SCRIPT_V1 });
  unlinkSync(join(b.dir, "run.json"));
  appendFileSync(join(b.dir, "events.jsonl"), '{"type":"attempt.fini');
  appendFileSync(join(b.dir, "transcripts.jsonl"), '{"callId":"cut');
  mkdirSync(join(b.dir, "exec", "002"), { recursive: true });
  // A symlink inside the folder that points out of it.
  symlinkSync(outside, join(root, "escape"));
  server = await startViewer({ folder: root, port: 0, pollMs: 100, assets: { script: "/* test */", style: "" } });
});

afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe("viewer server", () => {
  it("binds 127.0.0.1 by default and sends a strict Content-Security-Policy", async () => {
    expect(server.host).toBe("127.0.0.1");
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await response.text()).toContain('<script src="/assets/app.js">');
  });

  it("refuses every path outside the opened folder", async () => {
    for (const path of ["../", "..", "run-a/../..", `../${outside.split("/").pop()}`, "/etc", outside, "escape", "run-a/..\\..\\x"]) {
      const run = await get(`/api/run?path=${encodeURIComponent(path)}`);
      expect(run.status, path).toBe(403);
      expect(String(run.body.error)).toContain("outside the opened folder");
    }
    for (const path of ["escape/secret.txt", "../../../../etc/passwd", "/etc/passwd", `${outside}/secret.txt`]) {
      const file = await get(`/api/file?path=${encodeURIComponent(path)}`);
      expect(file.status, path).toBe(403);
    }
    const calls = await get(`/api/calls?path=${encodeURIComponent("escape")}`);
    expect(calls.status).toBe(403);
    // and a file inside is served as plain text, sandboxed
    const inside = await fetch(new URL(`/api/file?path=run-a/code/attempt-001.py`, server.url));
    expect(inside.status).toBe(200);
    expect(inside.headers.get("content-type")).toContain("text/plain");
    expect(inside.headers.get("content-security-policy")).toContain("sandbox");
    expect(await inside.text()).toBe(SCRIPT_V1);
  });

  it("refuses requests whose Host is not this loopback server (DNS rebinding)", async () => {
    expect(await statusWithHost(server.port, "/api/index", "evil.example:80")).toBe(403);
    expect(await statusWithHost(server.port, "/api/index", `127.0.0.1:${server.port}`)).toBe(200);
    expect(await statusWithHost(server.port, "/api/index", `localhost:${server.port}`)).toBe(200);
  });

  it("rejects bad queries with a message naming the parameter", async () => {
    const tooMany = await get("/api/calls?path=run-a&limit=100000");
    expect(tooMany.status).toBe(400);
    expect(String(tooMany.body.error)).toContain("limit");
    expect((await get("/api/run")).status).toBe(400);
    expect((await get("/api/run?path=no-such-run")).status).toBe(404);
  });

  it("shows what a half-written run has and says what is missing", async () => {
    const { status, body } = await get("/api/run?path=run-killed");
    expect(status).toBe(200);
    const problems = (body.problems as string[]).join("\n");
    expect(problems).toContain("run.json is missing");
    expect(problems).toContain("events.jsonl");
    expect(problems).toContain("cut short");
    expect(problems).toContain("exec/002/result.json is missing");
    expect(problems).toContain("transcripts.jsonl ends in a partial line");
    expect((body.attempts as unknown[]).length).toBe(1);
    expect((body.timeline as { stage: string }[]).map((s) => s.stage)).toEqual(["context", "planner", "critic", "merger", "execute"]);
    const index = await get("/api/index");
    expect(index.status).toBe(200);
    expect((index.body.runs as { path: string }[]).map((r) => r.path)).toContain("run-a");
  });

  it("pages calls, filters them by role and step, and searches their text", async () => {
    const first = await get("/api/calls?path=run-a&limit=50");
    expect(first.body.total).toBe(124);
    expect((first.body.items as unknown[]).length).toBe(50);
    const last = await get("/api/calls?path=run-a&offset=100&limit=50");
    expect((last.body.items as { index: number }[]).map((c) => c.index)).toEqual(Array.from({ length: 24 }, (_, i) => 100 + i));
    const critic = await get("/api/calls?path=run-a&role=critic&limit=500");
    expect(critic.body.matched).toBe(41);
    expect((critic.body.items as { role: string }[]).every((c) => c.role === "critic")).toBe(true);
    const step = await get("/api/calls?path=run-a&step=needle-step");
    expect((step.body.items as { index: number }[]).map((c) => c.index)).toEqual([11]);
    const search = await get("/api/calls?path=run-a&q=needle%20IS");
    expect((search.body.items as { response: string }[]).map((c) => c.response)).toEqual(["the NEEDLE is here"]);
    // the fix call links to the attempt it wrote, and the merge call to the first attempt; the fixture's fix was
    // recorded as the merger's (before the fixer role): it reads, and filters, as the fixer's
    const merger = await get("/api/calls?path=run-a&role=merger");
    expect((merger.body.items as { step: string; role: string }[]).map((c) => [c.role, c.step])).toEqual([["merger", "merge"]]);
    expect((merger.body.items as unknown[])[0]).toMatchObject({ servedAttempt: "001", stage: "merger" });
    const fixer = await get("/api/calls?path=run-a&role=fixer");
    expect(fixer.body.items).toEqual([expect.objectContaining({ role: "fixer", step: "fix-1", servedAttempt: "002", stage: "execute" })]);
    expect(fixer.body.roles).toMatchObject({ merger: 1, fixer: 1 });
  });

  it("/api/watch says 'change' when a run grows and when a new run appears", async () => {
    const waitForChange = async (query: string, act: () => void) => {
      const controller = new AbortController();
      const response = await fetch(new URL(`/api/watch${query}`, server.url), { signal: controller.signal });
      const reader = response.body!.getReader();
      const events: string[] = [];
      // The change is made once the server says "ready" (its baseline is taken), not after a fixed pause: on a busy
      // machine a pause can end before the baseline, and the change would be part of it.
      let acted = false;
      const read = (async () => {
        let text = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          text += new TextDecoder().decode(value);
          for (const m of text.matchAll(/^event: (\w+)$/gm)) events.push(m[1]!);
          text = text.slice(text.lastIndexOf("\n") + 1);
          if (events.includes("change")) return;
          if (!acted && events.includes("ready")) {
            acted = true;
            act();
          }
        }
      })();
      // The bound only keeps a missed change from hanging the test: generous, as the watch may poll slowly when busy.
      await Promise.race([read, new Promise((r) => setTimeout(r, 50_000))]);
      controller.abort();
      return events;
    };
    const grow = fixtureRun(join(root, "run-growing"));
    grow.addAttempt({ valid: false, script: SCRIPT_V1 });
    await expect(waitForChange("?path=run-growing", () => grow.addAttempt({ valid: true, script: SCRIPT_V2 }))).resolves.toEqual(["ready", "change"]);
    await expect(waitForChange("", () => fixtureRun(join(root, "run-new")))).resolves.toEqual(["ready", "change"]);
  });

  it("the transcript index reads only appended bytes and waits for a cut line to end", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lc-view-index-"));
    const file = join(dir, "transcripts.jsonl");
    writeFileSync(file, `${JSON.stringify({ role: "planner", step: "instructions" })}\n{"role":"cri`);
    const index = new TranscriptIndex(file);
    await index.refresh();
    expect(index.entries.map((e) => e.role)).toEqual(["planner"]);
    expect(index.partialTail).toBe(true);
    appendFileSync(file, `tic","latencyMs":5}\n${JSON.stringify({ role: "coder", tokens: { input: 3, output: 4 } })}\n`);
    await index.refresh();
    expect(index.entries.map((e) => [e.role, e.latencyMs, e.tokens.input])).toEqual([
      ["planner", 0, 0],
      ["critic", 5, 0],
      ["coder", 0, 3],
    ]);
    expect(index.partialTail).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });
});
