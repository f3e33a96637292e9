/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The run page's search tree in Debian's Chromium (playwright-core), over search runs written with the real record
// writer: every node drawn with its operator, buggy nodes marked, colours in the metric's direction (mae: the
// lowest validation score is the greenest), the selected node's path from its draft highlighted, a click showing
// the node's code diffed against its parent's, a node appended while the page is open appearing without a reload,
// and the time to draw a 500-node tree from a payload of summaries. Screenshots go to .artifacts/viewer/.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pathToFileURL } from "node:url";
import { exportViewer, startViewer, type RunPayload, type ViewerServer } from "../../viewer/index.js";
import { generateSearch, searchFixture, type SearchFixture } from "./search-fixtures.js";
import { artifactDir, buildWebBundle, launchChromium } from "./support.js";

let root: string;
let server: ViewerServer;
let browser: Browser;
let tree: SearchFixture;
const pageErrors: string[] = [];

async function newPage(): Promise<Page> {
  const p = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  p.on("pageerror", (e) => pageErrors.push(e.message));
  return p;
}

/** The selected node and its ancestors up to the draft, from the records themselves. */
function pathOf(run: SearchFixture, id: string): string[] {
  const byId = new Map(run.nodes.map((n) => [n.id, n]));
  const path: string[] = [];
  for (let n = byId.get(id); n; n = n.parent === null ? undefined : byId.get(n.parent)) path.push(n.id);
  return path;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "lc-view-search-"));
  await buildWebBundle();
  tree = generateSearch(join(root, "tree-24"), 24);
  server = await startViewer({ folder: root, port: 0, pollMs: 200 });
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("search tree in Chromium", () => {
  it("draws every node with its operator, marks buggy ones, colours by validation in the metric's direction and highlights the selected path", async () => {
    const page = await newPage();
    await page.goto(`${server.url}#/run?path=tree-24`);
    await page.locator("svg.search-tree g.search-node").first().waitFor();
    const drawn = await page.locator("g.search-node").evaluateAll((els) => els.map((e) => ({ id: e.getAttribute("data-node"), op: e.getAttribute("data-operator"), cls: e.getAttribute("class") ?? "", letter: e.querySelector("text")?.textContent, fill: (e.querySelector("circle") as SVGCircleElement).style.fill })));
    expect(drawn.map((d) => d.id).sort()).toEqual(tree.nodes.map((n) => n.id).sort());
    for (const n of tree.nodes) {
      const d = drawn.find((x) => x.id === n.id)!;
      expect(d.op).toBe(n.operator);
      expect(d.letter).toBe({ draft: "D", debug: "B", improve: "I" }[n.operator]);
      expect(d.cls.includes("buggy")).toBe(n.buggy);
    }
    // mae: the node with the lowest validation score is the greenest (hue 120), the highest the reddest (hue 0)
    const working = tree.nodes.filter((n) => !n.buggy);
    const lowest = working.reduce((a, b) => (b.validationScore! < a.validationScore! ? b : a));
    const highest = working.reduce((a, b) => (b.validationScore! > a.validationScore! ? b : a));
    const rgb = (id: string) => drawn.find((d) => d.id === id)!.fill.match(/[\d.]+/g)!.map(Number);
    const [lr, lg] = rgb(lowest.id);
    const [hr, hg] = rgb(highest.id);
    expect(lg! - lr!).toBeGreaterThan(100);
    expect(hr! - hg!).toBeGreaterThan(100);
    // the selected node (run.json.search.selected: the best by validation) and its ancestors up to its draft
    const selected = lowest.id;
    const path = pathOf(tree, selected);
    expect(path.length).toBeGreaterThan(2);
    const onPath = drawn.filter((d) => d.cls.includes("on-path")).map((d) => d.id);
    expect(onPath.sort()).toEqual([...path].sort());
    await expect(page.locator("path.search-edge.on-path").count()).resolves.toBe(path.length - 1);
    await expect(page.locator(".search-summary").innerText()).resolves.toContain(`selected ${selected}`);
    await page.screenshot({ path: join(artifactDir, "search-tree.png"), fullPage: true });
    // compared with another run, a search run shows its tree in numbers (its attempts are nodes, not listed)
    await page.goto(`${server.url}#/compare?a=tree-24&b=tree-24`);
    await expect(page.locator(".search-side").first().innerText()).resolves.toBe(`greedy · 24 nodes · ${tree.nodes.filter((n) => n.buggy).length} buggy · selected ${selected}`);
    await page.close();
  });

  it("a click on a node shows its plan, its code diffed against its parent's, its output and both scores", async () => {
    const page = await newPage();
    await page.goto(`${server.url}#/run?path=tree-24`);
    const improve = tree.nodes.find((n) => n.operator === "improve" && !n.buggy && n.step > 8)!;
    await page.locator(`g.search-node[data-node="${improve.id}"]`).click();
    const detail = page.locator(`article.search-node-detail[data-node="${improve.id}"]`);
    await detail.waitFor();
    await expect(detail.locator(".diff-head").innerText()).resolves.toContain(`${improve.parent} → ${improve.id}`);
    await expect(detail.locator("tr.d-add").innerText()).resolves.toContain(`# step ${improve.step}`);
    await expect(detail.locator("tr.d-del").count()).resolves.toBe(0);
    await expect(detail.locator("h3").innerText()).resolves.toContain(`validation ${improve.validationScore!.toFixed(4)} · test ${improve.testScore!.toFixed(4)}`);
    const text = await detail.innerText();
    expect(text).toContain(`Plan of ${improve.id}`);
    expect(text).toContain(`VALIDATION_SCORE=${improve.validationScore}`);
    // the plan's markup stays text
    expect(text).toContain("<script>window.__xss");
    await expect(page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).resolves.toBeUndefined();
    // a buggy node shows its error; a draft its whole code (no parent to diff against)
    const buggy = tree.nodes.find((n) => n.buggy)!;
    await page.locator(`g.search-node[data-node="${buggy.id}"]`).click();
    await expect(page.locator(`article.search-node-detail[data-node="${buggy.id}"]`).innerText()).resolves.toContain("KeyError: 'strength'");
    await page.locator('g.search-node[data-node="n000"]').click();
    await page.locator('article.search-node-detail[data-node="n000"] pre.code').waitFor();
    await expect(page.locator('article.search-node-detail[data-node="n000"] .diff').count()).resolves.toBe(0);
    await page.screenshot({ path: join(artifactDir, "search-node.png"), fullPage: true });
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  it("/api/node answers a node in full, 404 for an unknown node, 403 outside the opened folder; the exported file carries every node", async () => {
    const node = tree.nodes[7]!;
    const ok = (await (await fetch(new URL(`/api/node?path=tree-24&id=${node.id}`, server.url))).json()) as { node: { code: string }; parentCode: string | null };
    expect(ok.node.code).toBe(node.code);
    expect(ok.parentCode).toBe(node.parent === null ? null : tree.nodes.find((n) => n.id === node.parent)!.code);
    expect((await fetch(new URL(`/api/node?path=tree-24&id=n999`, server.url))).status).toBe(404);
    expect((await fetch(new URL(`/api/node?path=..&id=n000`, server.url))).status).toBe(403);
    const file = join(artifactDir, "search-export.html");
    await exportViewer({ folder: tree.dir, file });
    const page = await newPage();
    await page.goto(`${pathToFileURL(file).href}#/run?path=.`);
    await page.locator(`g.search-node[data-node="${node.id}"]`).click();
    await expect(page.locator(`article.search-node-detail[data-node="${node.id}"]`).innerText()).resolves.toContain(`Plan of ${node.id}`);
    await page.close();
  });

  it("a node appended while the page is open appears without a reload", async () => {
    const live = searchFixture(join(root, "live"), { steps: 10, runId: "live-search" });
    const draft = live.addNode({ parent: null, operator: "draft", buggy: false, validationScore: 5 });
    live.addNode({ parent: null, operator: "draft", buggy: true, validationScore: null });
    const page = await newPage();
    await page.goto(`${server.url}#/run?path=live`);
    await page.locator('g.search-node[data-node="n001"]').waitFor();
    await expect(page.locator("g.search-node").count()).resolves.toBe(2);
    await expect(page.locator(".search-summary").innerText()).resolves.toContain("running");
    await page.locator('g.search-node[data-node="n000"]').click();
    await page.locator('article.search-node-detail[data-node="n000"]').waitFor();
    await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 42));
    live.addNode({ parent: draft.id, operator: "improve", buggy: false, validationScore: 4, code: `${draft.code}# appended\n` });
    await page.locator('g.search-node[data-node="n002"]').waitFor({ timeout: 15_000 });
    await expect(page.locator('g.search-node[data-node="n002"]').getAttribute("data-operator")).resolves.toBe("improve");
    await expect(page.locator("path.search-edge").count()).resolves.toBe(1);
    // the same page, and the open node stays open
    await expect(page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).resolves.toBe(42);
    await expect(page.locator('article.search-node-detail[data-node="n000"]').count()).resolves.toBe(1);
    live.finish("n002");
    await expect.poll(() => page.locator("g.search-node.on-path").count(), { timeout: 15_000 }).toBe(2);
    await page.close();
  });

  it("a 500-node tree draws as one SVG from summaries (times and payload size in the log and .artifacts/viewer/search-500.txt)", async () => {
    const big = generateSearch(join(root, "tree-500"), 500);
    // What the run page draws and no more: node summaries; a node's attempt (code, output) comes from /api/node on a
    // click. Every attempt in full, as a pipeline run's page carries them, made it 609 KiB.
    const payloadText = await (await fetch(new URL("/api/run?path=tree-500", server.url))).text();
    const payload = JSON.parse(payloadText) as RunPayload;
    const payloadKiB = Buffer.byteLength(payloadText) / 1024;
    expect(payload.attempts).toEqual([]);
    expect(payload).not.toHaveProperty("events");
    expect(payload.search!.nodes).toHaveLength(500);
    expect(Object.keys(payload.search!.nodes[0]!).sort()).toEqual(["buggy", "id", "operator", "parent", "reason", "step", "validationScore"]);
    expect(payloadKiB).toBeLessThan(100);
    const page = await newPage();
    await page.goto(`${server.url}#/`);
    await page.locator("main").waitFor();
    // Timed in the page: from the route change to 500 nodes in the DOM and the next frame (layout done), and the
    // /api/run response's end within that; the rest is JSON parsing, d3 layout and Preact's render.
    const timing = await page.evaluate(
      () =>
        new Promise<{ totalMs: number; apiMs: number }>((resolve) => {
          const start = performance.now();
          const observer = new MutationObserver(() => {
            if (document.querySelectorAll("g.search-node").length !== 500) return;
            observer.disconnect();
            requestAnimationFrame(() => {
              const api = performance.getEntriesByType("resource").filter((e) => e.name.includes("/api/run")).pop() as PerformanceResourceTiming | undefined;
              resolve({ totalMs: performance.now() - start, apiMs: api ? api.responseEnd - start : Number.NaN });
            });
          });
          observer.observe(document.body, { childList: true, subtree: true });
          location.hash = "#/run?path=tree-500";
        }),
    );
    await expect(page.locator("svg.search-tree").count()).resolves.toBe(1);
    const clickStarted = Date.now();
    const target = big.nodes[499]!;
    await page.locator(`g.search-node[data-node="${target.id}"]`).click();
    await page.locator(`article.search-node-detail[data-node="${target.id}"]`).waitFor();
    const clickMs = Date.now() - clickStarted;
    const report = `500-node search tree: /api/run ${payloadKiB.toFixed(1)} KiB; route change to 500 nodes drawn ${Math.round(timing.totalMs)} ms (/api/run answered after ${Math.round(timing.apiMs)} ms, so parse + layout + render ${Math.round(timing.totalMs - timing.apiMs)} ms); click to node detail shown ${clickMs} ms`;
    console.log(report);
    writeFileSync(join(artifactDir, "search-500.txt"), `${report}\n`);
    await page.screenshot({ path: join(artifactDir, "search-500.png") });
    await page.close();
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
