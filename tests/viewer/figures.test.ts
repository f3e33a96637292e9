/// <reference lib="dom" />
// Each attempt's figures in the viewer: served by /api/figure only from an attempt's figures folders, checked to be
// the format named, with a sandboxing CSP (an SVG with a script opened on its own runs nothing), traversal and
// symlinks out refused, foreign Host headers refused; and in real Chromium the run page shows the images of the
// attempt that saved them, with the figures left out and why, and on a feedback attempt what its reviewer was sent.
// The figures are copied by the real copyFigures.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { deflateSync } from "node:zlib";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ATTEMPT_FILES, REVIEW_IMAGE_LIMITS, copyFigures } from "../../execution/index.js";
import { startViewer, type ViewerServer } from "../../viewer/index.js";
import { SCRIPT_V1, SCRIPT_V2, finishFixture, fixtureRun } from "./fixtures.js";
import { artifactDir, buildWebBundle, launchChromium, statusWithHost } from "./support.js";

/** A real RGB PNG of the given size (a red/blue gradient), built byte by byte. */
function png(width: number, height: number): Buffer {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (data: Buffer) => {
    let c = 0xffffffff;
    for (const byte of data) c = table[(c ^ byte) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) rows.set([Math.floor((255 * x) / width), 40, Math.floor((255 * y) / height)], y * (width * 3 + 1) + 1 + x * 3);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(rows)), chunk("IEND", Buffer.alloc(0))]);
}

const EVIL_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60"><script>window.__xss = "svg"; fetch("/api/index")</script><rect width="120" height="60" fill="green"/></svg>`;

let root: string;
let server: ViewerServer;
let browser: Browser | undefined;
const RUN = "run-f";
const figureUrl = (path: string) => new URL(`/api/figure?path=${encodeURIComponent(path)}`, server.url);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "lc-view-figures-"));
  const outside = mkdtempSync(join(tmpdir(), "lc-view-figures-outside-"));
  writeFileSync(join(outside, "secret.png"), png(4, 4));
  const run = fixtureRun(join(root, RUN));
  run.addAttempt({ valid: false, script: SCRIPT_V1 });
  const second = run.addAttempt({ valid: true, script: SCRIPT_V2 });
  // The attempt's workspace as the sandbox collected it; the real copy-out picks the figures.
  const workspace = run.writer.workspaceDir(second.attempt);
  mkdirSync(join(workspace, "plots"), { recursive: true });
  writeFileSync(join(workspace, "loss.png"), png(320, 200));
  writeFileSync(join(workspace, "plots", "evil.svg"), EVIL_SVG);
  writeFileSync(join(workspace, "fake.png"), "<html><script>window.__xss='fake'</script></html>");
  const files = { "loss.png": join(workspace, "loss.png"), [join("plots", "evil.svg")]: join(workspace, "plots", "evil.svg"), "fake.png": join(workspace, "fake.png") };
  const figuresDir = run.writer.attemptFile(second.attempt, ATTEMPT_FILES.figures);
  const figures = copyFigures({ files, skippedFiles: [{ name: "link.png", reason: "a symbolic link (links are not followed)" }], workspaceDir: workspace, figuresDir, relativeTo: run.dir });
  run.writer.writeAttemptResult({ ...second, ...(figures ? { figures } : {}) }, "stdout\n", "");
  // A feedback round reviewed #002: its reviewer was sent loss.png downscaled, and not the SVG.
  const reviewDir = run.writer.attemptFile(second.attempt, ATTEMPT_FILES.reviewFigures);
  mkdirSync(reviewDir, { recursive: true });
  writeFileSync(join(reviewDir, "0.png"), png(200, 125));
  const [loss, svg] = figures!.files;
  run.writer.event({
    type: "review.finished",
    round: 1,
    changed: true,
    figures: {
      attempt: second.attempt,
      seen: true,
      limits: REVIEW_IMAGE_LIMITS,
      figures: [
        { ...loss!, shown: true, sent: { path: relative(run.dir, join(reviewDir, "0.png")), width: 200, height: 125, bytes: 1 } },
        { name: svg!.name, format: "svg", bytes: svg!.bytes, shown: false, reason: "SVG is not rasterised (the sandbox image has no SVG rasteriser)" },
      ],
    },
  });
  const third = run.addAttempt({ valid: true, script: SCRIPT_V2 });
  run.writer.writeAttemptResult({ ...third, kind: "feedback", feedbackRound: 1, fixIndex: 0 }, "stdout\n", "");
  // Placed after the copy, as an attacker with write access to the folder might: a text file named .png, a link out.
  writeFileSync(join(figuresDir, "planted.png"), "not an image");
  symlinkSync(join(outside, "secret.png"), join(figuresDir, "escape.png"));
  finishFixture(run);
  await buildWebBundle();
  server = await startViewer({ folder: root, port: 0, pollMs: 200 });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("figures over HTTP", () => {
  it("serves a figure as an image with a sandboxing CSP, and nothing else of the folder", async () => {
    const ok = await fetch(figureUrl(`${RUN}/exec/002/figures/loss.png`));
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("image/png");
    expect(ok.headers.get("x-content-type-options")).toBe("nosniff");
    expect(Buffer.from(await ok.arrayBuffer()).readUInt32BE(16)).toBe(320);
    const svg = await fetch(figureUrl(`${RUN}/exec/002/figures/plots/evil.svg`));
    expect(svg.headers.get("content-type")).toBe("image/svg+xml");
    expect(svg.headers.get("content-security-policy")).toMatch(/^sandbox; default-src 'none'/);
    const refused: Array<[string, number]> = [
      [`${RUN}/exec/002/stdout.txt`, 404], // not a figure folder
      [`${RUN}/exec/002/workspace/fake.png`, 404], // a workspace file, not a copied figure
      [`${RUN}/exec/002/figures/planted.png`, 404], // named .png, not a PNG
      [`${RUN}/exec/002/figures/escape.png`, 403], // a link out of the opened folder
      [`${RUN}/exec/002/figures/../../../../etc/passwd.png`, 403],
      ["/etc/passwd", 403],
    ];
    for (const [path, status] of refused) expect([path, (await fetch(figureUrl(path))).status]).toEqual([path, status]);
    expect(await statusWithHost(server.port, `/api/figure?path=${encodeURIComponent(`${RUN}/exec/002/figures/loss.png`)}`, "evil.example:80")).toBe(403);
  });
});

describe("figures in Chromium", () => {
  it("the run page shows the attempt's figures as loaded images and names those left out", async () => {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${server.url}#/run?path=${encodeURIComponent(RUN)}`);
    const attempt = page.locator('details.attempt[data-attempt="002"]');
    await attempt.waitFor();
    if (!(await attempt.evaluate((d) => (d as HTMLDetailsElement).open))) await attempt.locator("summary").first().click();
    const loss = attempt.locator('figure[data-figure="loss.png"] img');
    await loss.waitFor();
    // lazy images load when scrolled to
    await loss.scrollIntoViewIfNeeded();
    await expect.poll(() => loss.evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBe(320);
    const evil = attempt.locator('figure[data-figure="plots/evil.svg"] img');
    await evil.scrollIntoViewIfNeeded();
    await expect.poll(() => evil.evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBe(120);
    await expect(attempt.locator('figure[data-figure="loss.png"] figcaption').innerText()).resolves.toMatch(/loss\.png PNG · 320×200 · [\d,]+ bytes/);
    const skipped = await attempt.locator(".figures-skipped").innerText();
    expect(skipped).toMatch(/link\.png: not collected from the sandbox: a symbolic link/);
    expect(skipped).toMatch(/fake\.png: not a PNG file/);
    // The feedback attempt shows what its reviewer saw of #002's figures.
    const third = page.locator('details.attempt[data-attempt="003"]');
    if (!(await third.evaluate((d) => (d as HTMLDetailsElement).open))) await third.locator("summary").first().click();
    await expect(third.locator(".reviewer-saw h4").textContent()).resolves.toBe("the reviewer saw 1 figure of #002");
    const sent = third.locator('figure[data-sent="loss.png"] img');
    await sent.scrollIntoViewIfNeeded();
    await expect.poll(() => sent.evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBe(200);
    await expect(third.locator(".reviewer-saw").innerText()).resolves.toMatch(/plots\/evil\.svg: SVG is not rasterised/);
    // The first attempt saved none: no figure section.
    await expect(page.locator('details.attempt[data-attempt="001"] .figures').count()).resolves.toBe(0);
    await page.screenshot({ path: join(artifactDir, "figures.png"), fullPage: true });
    // The SVG opened on its own: its script does not run.
    await page.goto(figureUrl(`${RUN}/exec/002/figures/plots/evil.svg`).href);
    await expect(page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).resolves.toBeUndefined();
    expect(errors).toEqual([]);
  }, 120_000);
});
