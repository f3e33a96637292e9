/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The viewer in a real browser (Debian's Chromium through playwright-core) over a bench recorded by this test on
// the real Docker sandbox with scripted models: the matrix shows every cell; a run page shows the candidates, the
// critic's findings, an attempt diff and the tree; the calls page filters by role; an XSS payload in the answers
// stays text; a run still being written gains an attempt without a reload; the exported file shows the same run
// from file://. Screenshots go to .artifacts/viewer/ (gitignored).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWiring, type Wiring } from "../../execution/wiring.js";
import { AttemptResultSchema, readRunJson } from "../../execution/index.js";
import { exportViewer, startViewer, type ViewerServer } from "../../viewer/index.js";
import { SCRIPT_V1, SCRIPT_V2, fixtureRun } from "./fixtures.js";
import { artifactDir, buildWebBundle, launchChromium, recordBench, type RecordedBench } from "./support.js";

let root: string;
let wiring: Wiring;
let bench: RecordedBench;
let server: ViewerServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

const readAttemptResult = (runDir: string, attempt: string) => AttemptResultSchema.parse(JSON.parse(readFileSync(join(runDir, "exec", attempt, "result.json"), "utf8")));
const shot = (name: string, target: Page = page) => target.screenshot({ path: join(artifactDir, `${name}.png`), fullPage: true });

/** Run folders of the bench, relative to it, by task and mode. */
function runPath(task: string, mode: string): string {
  const manifest = JSON.parse(readFileSync(join(bench.dir, "bench.json"), "utf8")) as { runs: { id: string; taskId: string; mode: string }[] };
  const entry = manifest.runs.find((r) => r.taskId === task && r.mode === mode);
  if (!entry) throw new Error(`no ${mode} run of ${task}`);
  return `runs/${entry.id}`;
}

async function newPage(): Promise<Page> {
  const p = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  p.on("pageerror", (e) => pageErrors.push(e.message));
  return p;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "lc-view-browser-"));
  await buildWebBundle();
  wiring = await createWiring({ sandbox: "docker" });
  bench = await recordBench(root, wiring);
  server = await startViewer({ folder: bench.dir, port: 0, pollMs: 200 });
  browser = await launchChromium();
  page = await newPage();
}, 900_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await wiring?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("viewer in Chromium", () => {
  it("the bench matrix shows every task × mode cell with its run", async () => {
    await page.goto(server.url);
    await page.locator("table.matrix").waitFor();
    for (const task of bench.tasks)
      for (const mode of ["linguacodus", "direct"]) {
        const cell = page.locator(`td[data-cell="${task}|${mode} · scripted"]`);
        await expect(cell.count()).resolves.toBe(1);
        await expect(cell.innerText()).resolves.toMatch(/valid 1\/1/);
        await expect(cell.locator("a.chip").getAttribute("href")).resolves.toBe(`#/run?path=${encodeURIComponent(runPath(task, mode))}`);
      }
    await expect(page.locator("td.cell").count()).resolves.toBe(4);
    // the paired view puts each task's linguacodus run beside its direct run
    await expect(page.locator("table.paired tbody tr").count()).resolves.toBe(2);
    // the report's charts arrive as images
    await page.locator(".charts img").first().waitFor({ timeout: 60_000 });
    await shot("bench");
  });

  it("a run page shows the candidates, the critic's findings, the attempt tree and a diff against the fixed attempt", async () => {
    await page.goto(`${server.url}#/run?path=${encodeURIComponent(runPath("concrete-strength", "linguacodus"))}`);
    await page.locator(".candidate").first().waitFor();
    await expect(page.locator(".candidates .candidate").count()).resolves.toBe(3);
    await expect(page.locator(".candidates .candidate.chosen").getAttribute("data-rank")).resolves.toBe("1");
    const findings = page.locator('.candidate[data-rank="3"] .finding');
    await expect(findings.innerText()).resolves.toContain("wrong-metric");
    await expect(findings.innerText()).resolves.toContain("high");
    await expect(page.locator(".refined .worddiff ins").count()).resolves.toBeGreaterThan(0);
    // the tree: the failed merged script and the fix that worked
    const nodes = page.locator("svg.attempt-tree g.tree-node");
    await expect(nodes.count()).resolves.toBe(2);
    await expect(page.locator('g.tree-node[data-attempt="001"]').getAttribute("class")).resolves.toContain("bad");
    const firstError = readAttemptResult(join(bench.dir, runPath("concrete-strength", "linguacodus")), "001").errorClass;
    expect(firstError).toMatch(/Error$/);
    await expect(page.locator('g.tree-node[data-attempt="001"]').textContent()).resolves.toContain(firstError);
    await expect(page.locator('g.tree-node[data-attempt="002"]').getAttribute("class")).resolves.toContain("good");
    await expect(page.locator("svg.attempt-tree path.tree-edge").count()).resolves.toBe(1);
    // attempt 002 is diffed against 001: the misnamed target column goes, the right one comes
    const diff = page.locator('details.attempt[data-attempt="002"] .diff');
    await expect(diff.locator("tr.d-del").innerText()).resolves.toContain('sample.columns["target"]');
    await expect(diff.locator("tr.d-add").innerText()).resolves.toContain("sample.columns[1]");
    await expect(page.locator('details.attempt[data-attempt="001"] > summary').innerText()).resolves.toContain(firstError);
    await expect(page.locator("#grade").innerText()).resolves.toMatch(/valid\s+mae/);
    await expect(page.locator("table.submission tbody tr").count()).resolves.toBeGreaterThan(0);
    await expect(page.locator("table.timeline tbody tr").count()).resolves.toBeGreaterThan(5);
    await shot("run");
  });

  it("the calls page filters by role", async () => {
    const path = runPath("concrete-strength", "linguacodus");
    await page.goto(`${server.url}#/calls?path=${encodeURIComponent(path)}`);
    await page.locator("details.call").first().waitFor();
    const all = await page.locator("details.call").count();
    expect(all).toBeGreaterThanOrEqual(8); // planner, critic, 4 blocks, merge, fix
    const roles = await page.locator("details.call").evaluateAll((els) => els.map((e) => e.getAttribute("data-role")));
    // The fixture writes its fixes as records before the fixer role did (role "merger", step fix-<n>): read as the fixer's.
    expect(new Set(roles)).toEqual(new Set(["planner", "critic", "coder", "merger", "fixer"]));
    await page.selectOption('select[aria-label="role"]', "critic");
    await page.waitForFunction(() => {
      const shown = [...document.querySelectorAll("details.call")];
      return shown.length > 0 && shown.every((e) => e.getAttribute("data-role") === "critic");
    });
    await expect(page.locator("details.call").count()).resolves.toBe(1);
    await page.locator("details.call summary").first().click();
    await expect(page.locator("details.call .json-node").first().isVisible()).resolves.toBe(true);
    await expect(page.locator("p.pager-status").innerText()).resolves.toContain(`of 1 matching (${all} in all)`);
    await shot("calls-critic");
  });

  it("markup in model answers and scripts is shown as text and never runs", async () => {
    const path = runPath("concrete-strength", "linguacodus");
    await page.goto(`${server.url}#/calls?path=${encodeURIComponent(path)}&role=merger`);
    // Only a hash changes, so the previous test's (critic) list stays until the merger calls arrive: wait for them.
    await page.waitForFunction(() => {
      const shown = [...document.querySelectorAll("details.call")];
      return shown.length > 0 && shown.every((e) => e.getAttribute("data-role") === "merger");
    });
    // Open every call (again, should a late render have replaced one) until their messages are shown.
    await expect
      .poll(
        async () => {
          // The set shrinks with each click: always take the first closed one.
          const closed = page.locator("details.call:not([open]) > summary");
          while ((await closed.count()) > 0) await closed.first().click();
          return page.locator(".calls").innerText();
        },
        { timeout: 20_000 },
      )
      .toContain('<script>window.__xss = "script"</script>');
    const text = await page.locator(".calls").innerText();
    expect(text).toContain(`<img src=x onerror="window.__xss = 'img'">`);
    expect(text).toContain(`<a href="javascript:window.__xss='link'">click me</a>`);
    await shot("calls-xss");
    await page.goto(`${server.url}#/run?path=${encodeURIComponent(path)}`);
    await page.locator("details.attempt").first().waitFor();
    await page.locator('details.attempt[data-attempt="001"] > summary').click();
    await expect(page.locator("#code").innerText()).resolves.toContain("<script>window.__xss");
    for (const target of [page]) {
      await expect(target.evaluate(() => (window as unknown as { __xss?: string }).__xss)).resolves.toBeUndefined();
      await expect(target.locator('img[src="x"]').count()).resolves.toBe(0);
      await expect(target.locator('a[href^="javascript:"]').count()).resolves.toBe(0);
      await expect(target.locator("main script").count()).resolves.toBe(0);
    }
    expect(pageErrors).toEqual([]);
  });

  it("a run that is still being written gains its next attempt on the page without a reload", async () => {
    const liveRoot = mkdtempSync(join(tmpdir(), "lc-view-live-"));
    const live = fixtureRun(join(liveRoot, "live-run"));
    live.addAttempt({ valid: false, script: SCRIPT_V1 });
    const liveServer = await startViewer({ folder: liveRoot, port: 0, pollMs: 200 });
    const p = await newPage();
    try {
      await p.goto(`${liveServer.url}#/run?path=live-run`);
      await p.locator('details.attempt[data-attempt="001"]').waitFor();
      await expect(p.locator("details.attempt").count()).resolves.toBe(1);
      await expect(p.locator(".page-head .badge").first().innerText()).resolves.toBe("running");
      await p.evaluate(() => ((window as unknown as { __marker: number }).__marker = 42));
      live.addAttempt({ valid: true, script: SCRIPT_V2 });
      await p.locator('details.attempt[data-attempt="002"]').waitFor({ timeout: 15_000 });
      await expect(p.locator('g.tree-node[data-attempt="002"]').count()).resolves.toBe(1);
      await expect(p.locator('details.attempt[data-attempt="002"] .diff tr.d-add').innerText()).resolves.toContain("compressive_strength");
      // the same page: a reload would have dropped the marker
      await expect(p.evaluate(() => (window as unknown as { __marker?: number }).__marker)).resolves.toBe(42);
      await shot("live", p);
    } finally {
      await p.close();
      await liveServer.close();
      rmSync(liveRoot, { recursive: true, force: true });
    }
  });

  it("--export writes one file that shows the same run from file://, offline", async () => {
    const file = join(artifactDir, "export.html");
    const result = await exportViewer({ folder: bench.dir, file });
    expect(result.runs).toBe(4);
    const path = runPath("concrete-strength", "linguacodus");
    const served = await newPage();
    const exported = await newPage();
    const requests: string[] = [];
    exported.on("request", (r) => requests.push(r.url()));
    try {
      await served.goto(`${server.url}#/run?path=${encodeURIComponent(path)}`);
      await exported.goto(`${pathToFileURL(file).href}#/run?path=${encodeURIComponent(path)}`);
      for (const p of [served, exported]) await p.locator('details.attempt[data-attempt="002"] .diff').waitFor();
      // Parts of the page arrive separately: wait until both pages show the grade before comparing them.
      for (const p of [served, exported]) await expect.poll(() => p.evaluate(() => document.querySelector("#grade")?.textContent ?? ""), { timeout: 20_000 }).not.toBe("");
      const facts = (p: Page) =>
        p.evaluate(() => ({
          title: document.querySelector(".page-head h1")?.textContent,
          candidates: [...document.querySelectorAll(".candidates .candidate h3")].map((e) => e.textContent),
          attempts: [...document.querySelectorAll("details.attempt > summary")].map((e) => e.textContent),
          grade: document.querySelector("#grade")?.textContent,
        }));
      const a = await facts(served);
      expect(a.title).toContain(readRunJson(join(bench.dir, path)).runId);
      expect(await facts(exported)).toEqual(a);
      await expect(exported.locator("nav.top").innerText()).resolves.toContain("exported file");
      // the bench page and the calls page work from the file too
      await exported.goto(`${pathToFileURL(file).href}#/calls?path=${encodeURIComponent(path)}&role=critic`);
      await exported.locator("details.call").first().waitFor();
      await expect.poll(() => exported.locator("details.call").count(), { timeout: 20_000 }).toBe(1);
      await exported.goto(`${pathToFileURL(file).href}#/`);
      await expect.poll(() => exported.locator("td.cell").count(), { timeout: 20_000 }).toBe(4);
      await shot("export-bench", exported);
      await expect(exported.evaluate(() => (window as unknown as { __xss?: string }).__xss)).resolves.toBeUndefined();
      expect(requests.every((u) => u.startsWith("file:") || u.startsWith("data:"))).toBe(true);
    } finally {
      await served.close();
      await exported.close();
    }
    expect(pageErrors).toEqual([]);
  });
});
