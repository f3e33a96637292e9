// How many of the paper's reference completions the free-text instruction parser accepts: the share of the
// released corpus's completions (result_prompts_new.csv, 1,330 rows) that parse with each of the three main sections
// (Data preprocessing / Model architecture / Model training) non-empty, and how many also name a submission step.
//   npx tsx perf/paper-parse.ts [--csv ../shared/paper-corpus/result_prompts_new.csv] [--show-failures 5]
import { parseArgs } from "node:util";
import { readPairs } from "../finetune/index.js";
import { DEFAULT_SUBMISSION_STEP, parsePaperInstruction, splitPaperSections } from "../instructions/index.js";

const { values } = parseArgs({
  options: {
    csv: { type: "string", default: "/work/shared/paper-corpus/result_prompts_new.csv" },
    "show-failures": { type: "string", default: "3" },
  },
});
const read = readPairs(values.csv!);
let parsed = 0;
let withSubmission = 0;
let inferred = 0;
const failures: Array<{ origin: string; error: string; head: string }> = [];
for (const record of read.records) {
  const result = parsePaperInstruction(record.completion, record.rank ?? 1);
  if (result.ok) {
    parsed++;
    if (result.instruction.submission[0] !== DEFAULT_SUBMISSION_STEP) withSubmission++;
    if (splitPaperSections(record.completion).inferred.length > 0) inferred++;
  } else failures.push({ origin: record.origin, error: result.error, head: record.completion.slice(0, 300) });
}
const total = read.records.length + read.dropped.length;
const pct = (n: number) => `${((100 * n) / Math.max(total, 1)).toFixed(1)}%`;
console.log(`completions: ${total} (${read.dropped.length} rows unreadable)`);
console.log(`parsed with the three main sections non-empty: ${parsed}/${total} = ${pct(parsed)}`);
console.log(`  from section headings alone: ${parsed - inferred}; with a main section filled from the steps' wording: ${inferred}`);
console.log(`  with a submission/prediction section: ${withSubmission}`);
const byError = new Map<string, number>();
for (const f of failures) byError.set(f.error, (byError.get(f.error) ?? 0) + 1);
for (const [error, n] of [...byError].sort((a, b) => b[1] - a[1])) console.log(`  not parsed (${n}): ${error}`);
for (const f of failures.slice(0, Number(values["show-failures"]))) console.log(`--- ${f.origin}: ${f.error}\n${f.head}\n`);
