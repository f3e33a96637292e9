// Speed of `linguacodus view`, measured in one run (npx tsx perf/viewer.ts [--runs 1000] [--mb 100] [--keep]):
//  1. a bench of N generated run records (default 1,000): time until the bench page shows every matrix cell in
//     headless Chromium (server start and reading the records included), and the API answer alone, cold and warm;
//  2. one run whose transcripts.jsonl is ~100 MB: the run page and the calls page open by reading an index of the
//     lines and only the 50 calls a page shows; deep pages, role filter and text search are timed too.
/// <reference lib="dom" />
// Needs the web bundle (`npm run build`) and /usr/bin/chromium (bash .ci/chromium.sh). Prints times and the targets.
import { appendFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";
import { writeSizedBench } from "../tests/support/bench-records.js";
import { hashPrompt } from "../agents/index.js";
import { RunRecordWriter, parseRunOptions } from "../execution/index.js";
import { startViewer } from "../viewer/index.js";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "1000" },
    mb: { type: "string", default: "100" },
    "transcript-kb": { type: "string", default: "100" },
    keep: { type: "boolean", default: false },
  },
});

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const msText = (ms: number) => `${Math.round(ms)} ms`;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await work();
  return [value, performance.now() - start];
}

async function getJson(url: string): Promise<Record<string, unknown>> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

async function measureBench(totalRuns: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "lc-perf-viewer-bench-"));
  const generated = writeSizedBench(dir, totalRuns);
  const { modes, repeats } = generated;
  const taskCount = generated.tasks.length;
  // Real runs keep every prompt and answer: give each generated run a transcript of realistic size.
  const kb = Number(values["transcript-kb"]);
  const call = JSON.stringify({ role: "coder", step: "training-block", latencyMs: 900, tokens: { input: 2500, output: 2400 }, messages: [{ role: "user", content: "x".repeat(9_000) }], response: "y".repeat(900) });
  const transcript = `${Array.from({ length: Math.max(1, Math.round((kb * 1024) / call.length)) }, () => call).join("\n")}\n`;
  for (const key of generated.keys) appendFileSync(join(dir, "runs", key.id, "transcripts.jsonl"), transcript);
  const cells = taskCount * modes.length;

  // Cold, as a user opens it: start the server, load the page, wait until every cell is on screen.
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  const server = await startViewer({ folder: dir, port: 0 });
  await page.goto(server.url);
  await page.waitForFunction((n) => document.querySelectorAll("td.cell").length === n, cells, { timeout: 60_000 });
  const open = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  const chips = await page.locator("a.chip").count();
  const [, warmApi] = await timed(() => getJson(`${server.url}api/index`));
  const reload = performance.now();
  await page.reload();
  await page.waitForFunction((n) => document.querySelectorAll("td.cell").length === n, cells, { timeout: 60_000 });
  const reopen = performance.now() - reload;
  const [, charts] = await timed(() => getJson(`${server.url}api/charts`));
  console.log(`bench of ${totalRuns} generated run records (${taskCount} tasks × ${modes.length} modes × ${repeats} repeats, ${kb} kB of transcript each):`);
  console.log(`  open in Chromium, cold (server start + records read + page)  ${s(open)}   target < 2 s  (${cells} cells, ${chips} run links)`);
  console.log(`  server CPU time during that open (load-independent)           ${s((cpu.user + cpu.system) / 1000)}`);
  console.log(`  reopen (page reload, server already has the index)           ${s(reopen)}`);
  console.log(`  /api/index, warm                                              ${msText(warmApi)}`);
  console.log(`  /api/charts (report + Vega-Lite SVG, loaded after the matrix)  ${s(charts)}`);
  await page.close();
  await server.close();
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
  else console.log(`  kept ${dir}`);
}

/** A run record whose transcripts.jsonl holds ~`mb` MB of realistic calls (20 kB prompts and answers). */
function bigTranscriptRun(dir: string, mb: number): { lines: number; bytes: number } {
  const writer = RunRecordWriter.create(dir, {
    runId: "perf-big-transcript",
    taskId: "perf-task",
    taskDir: join(dir, "no-task"),
    mode: "linguacodus",
    config: parseRunOptions({}),
    versions: { linguacodus: "perf", node: process.version },
    models: { planner: "openai:perf", critic: "openai:perf", coder: "openai:perf", merger: "openai:perf" },
  });
  writer.event({ type: "run.started", mode: "linguacodus", taskId: "perf-task", resumed: false });
  writer.event({ type: "stage.started", stage: "planner" });
  const roles = ["planner", "critic", "coder", "merger"] as const;
  const filler = "The training data has 824 rows; the target is compressive_strength. ".repeat(140);
  let lines = 0;
  let chunk: string[] = [];
  const target = mb * 1024 * 1024;
  let bytes = 0;
  while (bytes < target) {
    const role = roles[lines % roles.length]!;
    const messages = [
      { role: "system" as const, content: `You are the ${role}.` },
      { role: "user" as const, content: `call ${lines}: ${filler}` },
    ];
    const line = JSON.stringify({
      callId: `perf-${String(lines).padStart(6, "0")}`,
      runId: "perf-big-transcript",
      role,
      step: role === "coder" ? "training-block" : role === "planner" ? "instructions" : role === "critic" ? "critique" : "merge",
      model: "openai:perf",
      kind: "text",
      attempt: 1,
      params: { temperature: 0.2, seed: 1 },
      messages,
      promptHash: hashPrompt(messages),
      response: `answer ${lines}${lines === 4321 ? " UNIQUE-NEEDLE" : ""}: ${filler}`,
      tokens: { input: 2500, output: 2400 },
      startedAt: new Date(Date.now() + lines).toISOString(),
      latencyMs: 900,
      error: null,
    });
    chunk.push(line);
    bytes += Buffer.byteLength(line) + 1;
    lines += 1;
    if (chunk.length === 500) {
      appendFileSync(writer.transcriptsPath, `${chunk.join("\n")}\n`);
      chunk = [];
    }
  }
  if (chunk.length) appendFileSync(writer.transcriptsPath, `${chunk.join("\n")}\n`);
  writeFileSync(join(dir, "context.md"), "# perf task\n");
  return { lines, bytes: statSync(writer.transcriptsPath).size };
}

async function measureTranscripts(mb: number): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), "lc-perf-viewer-calls-"));
  const { lines, bytes } = bigTranscriptRun(join(root, "big"), mb);
  const server = await startViewer({ folder: root, port: 0 });
  const api = (q: string) => timed(() => getJson(`${server.url}api/${q}`));
  const before = process.memoryUsage().rss;
  const [run, firstRun] = await api("run?path=big");
  const [, warmRun] = await api("run?path=big");
  const [page1, firstPage] = await api("calls?path=big&offset=0&limit=50");
  const [, deepPage] = await api(`calls?path=big&offset=${Math.max(0, lines - 60)}&limit=50`);
  const [critic, roleFilter] = await api("calls?path=big&role=critic&offset=200&limit=50");
  const [found, search] = await api("calls?path=big&q=unique-needle");
  const after = process.memoryUsage().rss;
  const pageBytes = JSON.stringify(page1).length;

  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const start = performance.now();
  await page.goto(`${server.url}#/calls?path=big`);
  await page.waitForFunction(() => document.querySelectorAll("details.call").length === 50, undefined, { timeout: 60_000 });
  const browserCalls = performance.now() - start;
  const runStart = performance.now();
  await page.goto(`${server.url}#/run?path=big`);
  await page.locator("table.timeline").waitFor({ timeout: 60_000 });
  const browserRun = performance.now() - runStart;
  await page.close();

  console.log(`run with a ${(bytes / 1024 / 1024).toFixed(0)} MB transcripts.jsonl (${lines} calls):`);
  console.log(`  /api/run, first (indexes the file once)   ${msText(firstRun)}   (${(run.calls as { total: number }).total} calls counted)`);
  console.log(`  /api/run, again (index kept)               ${msText(warmRun)}`);
  console.log(`  /api/calls page 1 (50 calls)               ${msText(firstPage)}   (${(pageBytes / 1024).toFixed(0)} kB sent, ${((100 * pageBytes) / bytes).toFixed(2)} % of the file)`);
  console.log(`  /api/calls last page                       ${msText(deepPage)}`);
  console.log(`  /api/calls role=critic, page 5             ${msText(roleFilter)}   (${critic.matched as number} matched)`);
  console.log(`  /api/calls text search (whole file)        ${msText(search)}   (${found.matched as number} matched)`);
  console.log(`  calls page in Chromium                     ${msText(browserCalls)}`);
  console.log(`  run page in Chromium                       ${msText(browserRun)}`);
  console.log(`  server memory growth                       ${((after - before) / 1024 / 1024).toFixed(0)} MB (the file is ${(bytes / 1024 / 1024).toFixed(0)} MB)`);
  await server.close();
  if (!values.keep) rmSync(root, { recursive: true, force: true });
  else console.log(`  kept ${root}`);
}

try {
  await measureBench(Number(values.runs));
  await measureTranscripts(Number(values.mb));
} finally {
  await browser.close();
}
// The machine's load during the measurement: the numbers scale with it on a shared 2-core machine.
console.log(`load average during the run: ${(await import("node:os")).loadavg().map((x) => x.toFixed(1)).join(" ")}`);
