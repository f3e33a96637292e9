// Renders a Report as Markdown, self-contained HTML (SVG charts inline), JSON and tidy CSV, and writes
// the report folder: report.md, report.html, report.json, runs.csv, attempts.csv and one SVG per chart.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { recordedRoleSpec } from "../agents/index.js";
import { renderSvg } from "./charts.js";
import { REPORT_FILES } from "./layout.js";
import type { ReportRun } from "./collect.js";
import type { Cell, ComparisonOut, Report, Table } from "./report-model.js";

export type ReportFormat = "md" | "html" | "json";

/** Href of a run folder relative to the report folder (always ends in '/'). */
export function relativeLink(fromDir: string, toDir: string): string {
  const rel = relative(fromDir, toDir).split(sep).join("/");
  return `${rel || "."}/`;
}

function comparisonLabel(comp: ComparisonOut): string {
  return `${comp.a} vs ${comp.b} (${comp.axis === "model" ? "mode " : ""}${comp.within}${comp.temperature === null ? "" : `, T=${comp.temperature}`})`;
}

function mdEscape(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function mdCell(cell: Cell): string {
  const text = mdEscape(cell.text);
  return cell.href && text ? `[${text}](${cell.href})` : text;
}

/** One table as Markdown: its title, note and rows. */
export function mdTable(table: Table): string {
  const lines = [`## ${table.title}`, ""];
  if (table.note) lines.push(table.note, "");
  if (table.rows.length === 0) return [...lines, "_No rows._", ""].join("\n");
  lines.push(`| ${table.columns.map(mdEscape).join(" | ")} |`, `| ${table.columns.map(() => "---").join(" | ")} |`);
  for (const row of table.rows) lines.push(`| ${row.map(mdCell).join(" | ")} |`);
  return [...lines, ""].join("\n");
}

export function renderMarkdown(report: Report): string {
  const out: string[] = [`# ${report.title}`, ""];
  out.push(`Folder: \`${report.root}\` · generated ${report.generatedAt}`, "");
  if (report.command) out.push(`Command: \`${report.command.join(" ")}\``, "");
  const c = report.counts;
  out.push(`Runs: ${c.planned} · succeeded ${c.succeeded} · failed ${c.failed} · unfinished ${c.running} · not started ${c.missing}${c.unreadable ? ` · unreadable ${c.unreadable}` : ""}`, "");
  for (const note of report.notes) out.push(`> ${note}`, "");
  for (const warning of report.warnings) out.push(`> ⚠ ${warning}`, "");
  const chartsAfter: Record<string, string[]> = { modes: ["mode-normalised", "mode-valid"], temperatures: ["temperature-normalised", "temperature-valid"], consistency: ["consistency"] };
  for (const table of report.tables) {
    out.push(mdTable(table));
    if (table.id === "paired") for (const comp of report.comparisons) out.push(`**${comparisonLabel(comp)}:** ${comp.result.conclusion}`, "");
    for (const id of chartsAfter[table.id] ?? []) {
      const chart = report.charts.find((ch) => ch.id === id);
      if (chart) out.push(`![${chart.title}](${chart.file})`, "");
    }
  }
  if (report.groups.length) {
    out.push("## Runs behind each number", "");
    for (const group of report.groups) {
      out.push(`<a id="${group.id}"></a>**${mdEscape(group.label)}**: ${group.runs.map((r) => `[${r.runId}](${r.href})`).join(", ")}`, "");
    }
  }
  return out.join("\n");
}

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function htmlCell(cell: Cell): string {
  const cls = cell.tone ? ` class="${cell.tone}"` : "";
  const body = cell.href && cell.text ? `<a href="${esc(cell.href)}">${esc(cell.text)}</a>` : esc(cell.text);
  return `<td${cls}>${body}</td>`;
}

function htmlTable(table: Table): string {
  const head = `<h2 id="${table.id}">${esc(table.title)}</h2>${table.note ? `<p class="note">${esc(table.note)}</p>` : ""}`;
  if (table.rows.length === 0) return `${head}<p><em>No rows.</em></p>`;
  const rows = table.rows.map((row) => `<tr>${row.map(htmlCell).join("")}</tr>`).join("\n");
  return `${head}<div class="scroll"><table><thead><tr>${table.columns.map((c) => `<th>${esc(c)}</th>`).join("")}</tr></thead><tbody>\n${rows}\n</tbody></table></div>`;
}

const CSS = `body{font-family:system-ui,sans-serif;margin:2em;max-width:1400px;color:#222}
table{border-collapse:collapse;font-size:13px;margin:.5em 0}th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;white-space:nowrap}
th{background:#f3f3f3}td.good{background:#e6f4ea}td.bad{background:#fde8e6}td.neutral{background:#fff7e0}
.note{color:#555;font-size:13px;max-width:1000px}.scroll{overflow-x:auto}.chart{margin:1em 0}blockquote{color:#444;border-left:3px solid #bbb;margin-left:0;padding-left:1em}
a{color:#0645ad;text-decoration:none}a:hover{text-decoration:underline}`;

export function renderHtml(report: Report, svgs: Map<string, string>): string {
  const c = report.counts;
  const parts: string[] = [
    `<!doctype html><html><head><meta charset="utf-8"><title>${esc(report.title)}</title><style>${CSS}</style></head><body>`,
    `<h1>${esc(report.title)}</h1>`,
    `<p>Folder: <code>${esc(report.root)}</code> · generated ${esc(report.generatedAt)}</p>`,
  ];
  if (report.command) parts.push(`<p>Command: <code>${esc(report.command.join(" "))}</code></p>`);
  parts.push(`<p>Runs: ${c.planned} · succeeded ${c.succeeded} · failed ${c.failed} · unfinished ${c.running} · not started ${c.missing}${c.unreadable ? ` · unreadable ${c.unreadable}` : ""}</p>`);
  for (const note of report.notes) parts.push(`<blockquote>${esc(note)}</blockquote>`);
  for (const warning of report.warnings) parts.push(`<blockquote>⚠ ${esc(warning)}</blockquote>`);
  const chartsAfter: Record<string, string[]> = { modes: ["mode-normalised", "mode-valid"], temperatures: ["temperature-normalised", "temperature-valid"], consistency: ["consistency"] };
  for (const table of report.tables) {
    parts.push(htmlTable(table));
    if (table.id === "paired")
      for (const comp of report.comparisons) parts.push(`<p><strong>${esc(comparisonLabel(comp))}:</strong> ${esc(comp.result.conclusion)}</p>`);
    for (const id of chartsAfter[table.id] ?? []) {
      const chart = report.charts.find((ch) => ch.id === id);
      const svg = chart && svgs.get(chart.id);
      if (chart && svg) parts.push(`<figure class="chart" id="chart-${chart.id}">${svg}<figcaption>${esc(chart.title)} (<a href="${esc(chart.file)}">SVG</a>)</figcaption></figure>`);
    }
  }
  if (report.groups.length) {
    parts.push(`<h2 id="groups">Runs behind each number</h2><ul>`);
    for (const group of report.groups)
      parts.push(`<li id="${group.id}"><strong>${esc(group.label)}</strong>: ${group.runs.map((r) => `<a href="${esc(r.href)}">${esc(r.runId)}</a>`).join(", ")}</li>`);
    parts.push("</ul>");
  }
  parts.push("</body></html>");
  return parts.join("\n");
}

/** The report as JSON: tables, comparisons, run groups and every run's row (charts as Vega-Lite specs). */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

function csvValue(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "number" ? (Number.isFinite(value) ? String(value) : "") : typeof value === "string" ? value : JSON.stringify(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csv(header: string[], rows: unknown[][]): string {
  return [header.join(","), ...rows.map((row) => row.map(csvValue).join(","))].join("\n") + "\n";
}

/** Tidy CSV: one row per run. */
export function runsCsv(runs: ReportRun[]): string {
  const header = [
    "run_id", "dir", "task_id", "data_type", "metric", "lower_is_better", "mode", "model", "temperature", "seed", "state", "failure",
    "valid", "first_attempt_success", "attempts_used", "fixes_used", "error_classes", "score", "normalised_score", "percentile", "medal",
    "wall_ms", "model_ms", "sandbox_ms", "other_ms", "total_tokens", "cost_estimate",
  ];
  return csv(
    header,
    runs.map((r) => [
      r.runId, r.dir, r.taskId, r.dataType, r.metric, r.lowerIsBetter, r.mode, r.model, r.temperature, r.seed, r.state, r.failure,
      r.valid, r.firstAttemptSuccess, r.attemptsUsed, r.fixesUsed, r.errorClasses.join(";"), r.score, r.normalised, r.percentile, r.medal,
      r.wallMs, r.modelMs, r.sandboxMs, r.otherMs, r.totalTokens, r.costEstimate,
    ]),
  );
}

/** Tidy CSV: one row per attempt of every chain (the consistency view's data). */
export function attemptsCsv(runs: ReportRun[]): string {
  const rows: unknown[][] = [];
  for (const r of runs)
    for (const chain of r.chains)
      chain.attempts.forEach((a, i) => rows.push([r.runId, chain.chain, r.taskId, r.mode, r.model, r.temperature, r.seed, i + 1, a.attempt, a.kind, a.valid, a.outcome, a.score, a.normalised]));
  return csv(["run_id", "chain", "task_id", "mode", "model", "temperature", "seed", "step", "attempt", "kind", "valid", "outcome", "score", "normalised_score"], rows);
}

/** Tidy CSV: one row per run and role (model calls and tokens). */
export function tokensCsv(runs: ReportRun[]): string {
  const rows: unknown[][] = [];
  for (const r of runs)
    for (const [role, t] of Object.entries(r.tokensByRole))
      rows.push([r.runId, r.taskId, r.mode, r.model, r.temperature, r.seed, role, recordedRoleSpec(r.models, role) ?? "", t.calls, t.tokens.input, t.tokens.output]);
  return csv(["run_id", "task_id", "mode", "model", "temperature", "seed", "role", "model_spec", "calls", "prompt_tokens", "completion_tokens"], rows);
}

export interface WrittenReport {
  dir: string;
  files: { md: string; html: string; json: string; runsCsv: string; attemptsCsv: string; tokensCsv: string; charts: string[]; gradingReport?: string; mlebenchAggregate?: string };
}

/** Renders every chart to SVG and writes the report folder. */
export async function writeReport(report: Report, outDir: string): Promise<WrittenReport> {
  mkdirSync(outDir, { recursive: true });
  const svgs = new Map<string, string>();
  const charts: string[] = [];
  for (const chart of report.charts) {
    const svg = await renderSvg(chart.spec);
    svgs.set(chart.id, svg);
    const path = join(outDir, chart.file);
    writeFileSync(path, svg);
    charts.push(path);
  }
  const files: WrittenReport["files"] = {
    md: join(outDir, REPORT_FILES.md),
    html: join(outDir, REPORT_FILES.html),
    json: join(outDir, REPORT_FILES.json),
    runsCsv: join(outDir, REPORT_FILES.runsCsv),
    attemptsCsv: join(outDir, REPORT_FILES.attemptsCsv),
    tokensCsv: join(outDir, REPORT_FILES.tokensCsv),
    charts,
  };
  writeFileSync(files.md, renderMarkdown(report));
  writeFileSync(files.html, renderHtml(report, svgs));
  writeFileSync(files.json, renderJson(report));
  writeFileSync(files.runsCsv, runsCsv(report.runs));
  writeFileSync(files.attemptsCsv, attemptsCsv(report.runs));
  writeFileSync(files.tokensCsv, tokensCsv(report.runs));
  if (report.mlebench) {
    // MLE-bench's own formats, so its tooling (and papers' tables) can read the bench directly.
    const gradingReport = join(outDir, REPORT_FILES.gradingReport);
    writeFileSync(gradingReport, `${JSON.stringify(report.mlebench.grading_report, null, 2)}\n`);
    const aggregate = join(outDir, REPORT_FILES.mlebenchAggregate);
    writeFileSync(aggregate, `${JSON.stringify(report.mlebench.aggregates, null, 2)}\n`);
    files.gradingReport = gradingReport;
    files.mlebenchAggregate = aggregate;
  }
  return { dir: outDir, files };
}
