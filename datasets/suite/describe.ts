// Writes description.md the way a Kaggle competition overview reads: overview, data, evaluation, submission.
import { METRICS } from "../metric-registry.js";
import type { Frame } from "./frame.js";
import { rowCount } from "./frame.js";
import type { SourceInfo } from "./sources.js";
import type { BuiltinTaskDefinition } from "./definition.js";

export interface DescriptionInput {
  def: BuiltinTaskDefinition;
  train: Frame;
  test: Frame;
  sample: Frame;
  source: SourceInfo;
  splitNote: string;
}

function sampleLines(sample: Frame, rows = 3): string {
  const lines = [sample.header.join(",")];
  for (let r = 0; r < Math.min(rows, rowCount(sample)); r++) lines.push(sample.columns.map((c) => c[r]!).join(","));
  return lines.join("\n");
}

function kindOf(values: readonly string[]): string {
  let numeric = 0;
  let seen = 0;
  for (let i = 0; i < values.length && seen < 200; i++) {
    const v = values[i]!;
    if (v === "") continue;
    seen++;
    if (Number.isFinite(Number(v))) numeric++;
  }
  return seen > 0 && numeric === seen ? "numeric" : "text / categorical";
}

export function describeTask({ def, train, test, sample, source, splitNote }: DescriptionInput): string {
  const metric = METRICS[def.metric.name];
  const params = def.metric.params ?? {};
  const paramText = Object.keys(params).length > 0 ? ` (${Object.entries(params).map(([k, v]) => `${k} = ${String(v)}`).join(", ")})` : "";
  const targets = def.target_columns.map((t) => `\`${t}\``).join(", ");
  const columnRows = train.header
    .filter((h) => h !== def.id_column)
    .map((h) => `| \`${h}\` | ${def.columns[h] ?? kindOf(train.columns[train.header.indexOf(h)]!)} |`);
  const trainOnly = train.header.filter((h) => h !== def.id_column && !test.header.includes(h));
  const inTrainTargets = def.target_columns.filter((t) => train.header.includes(t));
  // Multi-class probability tasks keep one label column in train instead of one column per class.
  const targetsInTrain = (inTrainTargets.length > 0 ? inTrainTargets : trainOnly.slice(0, 1)).map((t) => `\`${t}\``).join(", ");
  const extraTrainOnly = trainOnly.filter((t) => !def.target_columns.includes(t) && (inTrainTargets.length > 0 || t !== trainOnly[0]));
  return `# ${def.title}

## Overview

${def.overview}

## Data

- \`train.csv\` — ${rowCount(train).toLocaleString("en-US")} rows with the features and the ${inTrainTargets.length === 0 ? "label" : def.target_columns.length > 1 ? "targets" : "target"} ${targetsInTrain}${extraTrainOnly.length > 0 ? `, plus ${extraTrainOnly.map((t) => `\`${t}\``).join(", ")} (known only for the training rows)` : ""}.
- \`test.csv\` — ${rowCount(test).toLocaleString("en-US")} rows to predict: the columns of train.csv without ${trainOnly.map((t) => `\`${t}\``).join(", ")}.
- \`sample_submission.csv\` — a submission in the correct format (a constant prediction for every row).

Each row is identified by \`${def.id_column}\`. ${splitNote}

| column | description |
| --- | --- |
${columnRows.join("\n")}

## Evaluation

Submissions are evaluated on **${metric.title}**${paramText}; ${metric.lowerIsBetter ? "lower" : "higher"} is better.

    ${metric.formula}

## Submission format

For each \`${def.id_column}\` in test.csv, predict ${def.predict}. The file must be a CSV with a header and exactly the columns ${[def.id_column, ...def.target_columns].map((c) => `\`${c}\``).join(", ")}, one row per test id:

\`\`\`
${sampleLines(sample)}
...
\`\`\`

Target column${def.target_columns.length > 1 ? "s" : ""}: ${targets}.

## Source and license

${sourceLine(source)}${source.notes ? ` ${source.notes.charAt(0).toUpperCase()}${source.notes.slice(1)}.` : ""}${source.citation ? `\n\nCitation: ${source.citation}` : ""}
`;
}

function sourceLine(source: SourceInfo): string {
  if (source.kind === "openml") return `OpenML dataset \`${source.dataset}\` ${source.version}${source.url ? ` (${source.url})` : ""}, license: ${source.license}.`;
  return `\`${source.dataset}\` from the ${source.kind === "cran" ? "R" : "npm"} package \`${source.package}\` ${source.version} (license: ${source.license}).`;
}
