// Reference scores: two Python baselines per task (a constant / majority predictor and a standard
// scikit-learn model), run by whatever executes Python (passed in; the CLI uses the sandbox), graded by
// the real grader, and written into task.json so scores can be normalised (0 = constant, 1 = model).
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isBetter } from "./direction.js";
import { grade, type GradeResult } from "./grade.js";
import { METRICS } from "./metric-registry.js";
import { writeReferenceScores } from "./suite/prepare.js";
import { exists, SUBMISSION_FILE, type ReferenceScores, type Task } from "./task.js";

/** Runs a Python script with the task's public files at `dataDir` inside; returns the submission it wrote. */
export type RunPython = (request: { script: string; publicDir: string; outputDir: string }) => Promise<{
  /** Path of submission.csv, or null when the script wrote none. */
  submissionPath: string | null;
  /** Short reason when the run failed (exit status, exception). */
  failure?: string;
  /** Standard output of the script (the model baseline prints the model it chose). */
  stdout?: string;
}>;

export type BaselineKind = "constant" | "model";

export interface BaselineScript {
  kind: BaselineKind;
  /** Model name recorded in reference_scores.model_name. */
  name: string;
  script: string;
}

/** Where scripts find the public files; the sandbox mounts them at /data. */
export const BASELINE_DATA_DIR = "/data";

function config(task: Task, dataDir: string): string {
  const metric = METRICS[task.spec.metric.name];
  return JSON.stringify({
    data_dir: dataDir,
    id_column: task.spec.id_column,
    target_columns: task.spec.target_columns,
    metric: metric.name,
    cell: metric.cell,
    data_type: task.spec.data_type,
    params: task.spec.metric.params,
  });
}

// Shared preamble: reads the files and finds, for per-class probability targets, the label column of train.
const PREAMBLE = String.raw`
import json, re, sys
import numpy as np
import pandas as pd
CFG = json.loads(__CFG__)
D = CFG["data_dir"]
idc, targets, metric, cell = CFG["id_column"], CFG["target_columns"], CFG["metric"], CFG["cell"]
train = pd.read_csv(D + "/train.csv", low_memory=False)
test = pd.read_csv(D + "/test.csv", low_memory=False)
sub = pd.DataFrame({idc: test[idc]})
label_col = None
if not all(t in train.columns for t in targets):
    for c in train.columns:
        if c not in test.columns and set(train[c].dropna().astype(str).unique()) <= set(targets):
            label_col = c
            break
    if label_col is None:
        sys.exit("baseline: train.csv holds neither the target columns nor a label column naming them")
`;

const CONSTANT = String.raw`
if label_col is not None:
    freq = train[label_col].astype(str).value_counts(normalize=True)
    for t in targets:
        sub[t] = float(freq.get(t, 0.0))
else:
    for t in targets:
        y = train[t]
        if cell in ("label", "ordinal", "ranking"):
            sub[t] = y.astype(str).mode().sort_values().iloc[0]
        elif metric == "mae":
            sub[t] = float(y.median())
        elif metric == "rmsle":
            sub[t] = float(np.expm1(np.log1p(y.clip(lower=0)).mean()))
        else:
            sub[t] = float(y.mean())
sub.to_csv("${SUBMISSION_FILE}", index=False)
`;

// A standard model: TF-IDF + linear model for text; a linear trend + month model when the only feature is a
// date; histogram gradient boosting otherwise. Large training sets are subsampled to keep the run short.
const MODEL = String.raw`
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
MAX_ROWS = 400000
if len(train) > MAX_ROWS:
    train = train.sample(MAX_ROWS, random_state=0)
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
def is_date(s):
    v = s.dropna().astype(str).head(200)
    return not pd.api.types.is_numeric_dtype(s) and len(v) > 0 and v.map(lambda x: bool(DATE.match(x))).all()
# A date that names the row (time series) is also a feature.
features = [c for c in test.columns if (c != idc or is_date(test[c])) and c in train.columns]
both = pd.concat([train[features], test[features]], keys=["train", "test"])
X = pd.DataFrame(index=both.index)
text_cols, date_only = [], True
for c in features:
    s = both[c]
    if is_date(s):
        d = pd.to_datetime(s, errors="coerce")
        X[c + "_t"] = (d - pd.Timestamp("1970-01-01")).dt.total_seconds() / 86400.0
        X[c + "_month"] = d.dt.month
        X[c + "_dow"] = d.dt.dayofweek
        X[c + "_hour"] = d.dt.hour
        continue
    date_only = False
    if not pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        if s.dropna().astype(str).str.len().mean() > 40:
            text_cols.append(c)
        else:
            X[c] = pd.Categorical(s.astype(str)).codes
    else:
        X[c] = s
Xtr, Xte = X.loc["train"], X.loc["test"]

if text_cols:
    from scipy.sparse import hstack, csr_matrix
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import OneHotEncoder, StandardScaler
    parts_tr, parts_te = [], []
    for c in text_cols:
        v = TfidfVectorizer(max_features=50000, ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        parts_tr.append(v.fit_transform(train[c].fillna("").astype(str)))
        parts_te.append(v.transform(test[c].fillna("").astype(str)))
    if Xtr.shape[1] > 0:
        enc = OneHotEncoder(handle_unknown="ignore", min_frequency=5)
        parts_tr.append(enc.fit_transform(Xtr.fillna(-1).astype(str)))
        parts_te.append(enc.transform(Xte.fillna(-1).astype(str)))
    Ftr, Fte = hstack(parts_tr).tocsr(), hstack(parts_te).tocsr()
    make_clf = lambda: LogisticRegression(max_iter=2000, C=4.0)
    make_reg = lambda: Ridge(alpha=3.0)
    NAME = "TF-IDF + LogisticRegression/Ridge"
elif date_only:
    month = [c for c in X.columns if c.endswith("_month")]
    dummies = pd.get_dummies(X[month].astype(str))
    F = pd.concat([X[[c for c in X.columns if c.endswith("_t")]], dummies], axis=1).astype(float)
    Ftr, Fte = F.loc["train"].values, F.loc["test"].values
    make_clf = lambda: LogisticRegression(max_iter=2000)
    make_reg = lambda: LinearRegression()
    NAME = "LinearRegression (trend + month)"
else:
    Ftr, Fte = Xtr.values.astype(float), Xte.values.astype(float)
    # One tree per class per round: with many classes, half the rounds keep the run to minutes. (A larger
    # learning rate instead made scikit-learn 1.2's multi-class boosting diverge.)
    label = label_col if label_col is not None else targets[0]
    many = cell in ("label", "ordinal", "probability") and train[label].nunique() > 10
    boost = {"max_iter": 50} if many else {}
    make_clf = lambda: HistGradientBoostingClassifier(random_state=0, **boost)
    make_reg = lambda: HistGradientBoostingRegressor(random_state=0)
    NAME = "HistGradientBoosting" + (" (50 rounds)" if many else "")

if label_col is not None:
    m = make_clf().fit(Ftr, train[label_col].astype(str))
    P = m.predict_proba(Fte)
    classes = list(m.classes_)
    for t in targets:
        sub[t] = P[:, classes.index(t)] if t in classes else 0.0
elif cell in ("label", "ordinal"):
    t = targets[0]
    sub[t] = make_clf().fit(Ftr, train[t].astype(str)).predict(Fte)
elif cell in ("score", "probability"):
    for t in targets:
        m = make_clf().fit(Ftr, train[t].astype(int))
        sub[t] = m.predict_proba(Fte)[:, list(m.classes_).index(1)]
else:
    for t in targets:
        y = train[t].astype(float)
        if metric == "rmsle":
            sub[t] = np.expm1(make_reg().fit(Ftr, np.log1p(y.clip(lower=0))).predict(Fte)).clip(min=0)
        else:
            sub[t] = make_reg().fit(Ftr, y).predict(Fte)
sub.to_csv("${SUBMISSION_FILE}", index=False)
print("model:", NAME)
`;

/** The two baseline scripts for a task; `dataDir` is where the script sees the public files. */
export function baselineScripts(task: Task, dataDir = BASELINE_DATA_DIR): Record<BaselineKind, BaselineScript> {
  const cfg = `__CFG__ = ${JSON.stringify(config(task, dataDir))}\n`;
  const modelName = task.spec.data_type === "text" ? "TF-IDF + linear model (scikit-learn)" : "HistGradientBoosting or linear trend (scikit-learn)";
  return {
    constant: { kind: "constant", name: "constant / majority", script: cfg + PREAMBLE + CONSTANT },
    model: { kind: "model", name: modelName, script: cfg + PREAMBLE + MODEL },
  };
}

/**
 * Why no standard model applies to a task (null when the baselines can run): they read public/train.csv and
 * public/test.csv as tables and are graded by a built-in metric.
 */
export async function baselinesUnavailable(task: Task): Promise<string | null> {
  if (task.spec.metric.name === "external") {
    return "it is scored only by its competition's own grade.py (metric 'external'), and the baselines are graded by a built-in metric";
  }
  if (task.spec.data_type === "image") return "it is an image task, and the standard models here read tables and text";
  const missing: string[] = [];
  for (const file of ["train.csv", "test.csv"]) if (!(await exists(join(task.publicDir, file)))) missing.push(`public/${file}`);
  if (missing.length > 0) {
    return `it has no ${missing.join(" or ")}, which the baselines read (a table of training rows with the targets, a test table with the id column)${task.spec.mlebench ? "; an MLE-bench competition can be normalised by its leaderboard instead" : ""}`;
  }
  return null;
}

export interface ReferenceScoreReport {
  scores: ReferenceScores | null;
  constant: GradeResult | { valid: false; errors: string[] };
  model: GradeResult | { valid: false; errors: string[] };
}

/**
 * Runs both baselines through `runPython`, grades their submissions with the real grader and, when both
 * are valid, writes the scores into the task's task.json.
 */
export async function computeReferenceScores(
  task: Task,
  runPython: RunPython,
  workDir: string,
  dataDir = BASELINE_DATA_DIR,
): Promise<ReferenceScoreReport> {
  const scripts = baselineScripts(task, dataDir);
  let modelName = scripts.model.name;
  const results: Partial<Record<BaselineKind, GradeResult | { valid: false; errors: string[] }>> = {};
  for (const kind of ["constant", "model"] as const) {
    const outputDir = join(workDir, kind);
    await mkdir(outputDir, { recursive: true });
    const run = await runPython({ script: scripts[kind].script, publicDir: task.publicDir, outputDir });
    const chosen = /^model: (.+)$/m.exec(run.stdout ?? "");
    if (kind === "model" && chosen) modelName = `${chosen[1]!.trim()} (scikit-learn)`;
    results[kind] = run.submissionPath
      ? await grade(task, run.submissionPath)
      : { valid: false, errors: [`the ${kind} baseline wrote no submission${run.failure ? `: ${run.failure}` : ""}`] };
  }
  const constant = results.constant!;
  const model = results.model!;
  let scores: ReferenceScores | null = null;
  if (constant.valid && model.valid && "score" in constant && "score" in model && constant.score !== null && model.score !== null) {
    scores = { constant: constant.score, model: model.score, model_name: modelName };
    await writeReferenceScores(task.dir, scores);
  }
  return { scores, constant, model };
}

/**
 * The narrow view of a script sandbox that datasets/ needs for baselines and competition graders (the Docker
 * sandbox satisfies it): run a script with a folder mounted read-only, collect what it wrote.
 */
export interface ScriptSandbox {
  run(request: { script: string; publicDir: string; outputDir: string; timeoutSeconds: number }): Promise<{
    outcome: string;
    stdout: string;
    stderr: string;
    error?: { type: string; message: string };
    files: Record<string, string>;
  }>;
}

/** A {@link RunPython} that runs each baseline in `sandbox` with a time limit. */
export function runPythonInSandbox(sandbox: ScriptSandbox, timeoutSeconds: number): RunPython {
  return async ({ script, publicDir, outputDir }) => {
    const result = await sandbox.run({ script, publicDir, outputDir, timeoutSeconds });
    const submissionPath = result.files[SUBMISSION_FILE] ?? null;
    const failure = result.outcome === "ok" ? undefined : `${result.outcome}${result.error ? `: ${result.error.type}: ${result.error.message}` : ""}`;
    return { submissionPath, stdout: result.stdout, ...(failure ? { failure } : {}) };
  };
}

/** One line about a task's reference scores: both scores, or why they were not recorded. */
export function describeReferenceScores(task: Task, report: ReferenceScoreReport): string {
  if (!report.scores) return `${task.spec.id}: reference scores not recorded: ${[report.constant, report.model].flatMap((r) => r.errors).join("; ")}`;
  const { constant, model, model_name } = report.scores;
  const beats = isBetter(model, constant, task.spec.lower_is_better);
  return `${task.spec.id}: constant ${constant}, model ${model} (${model_name})${beats ? "" : " — warning: the model does not beat the constant"}`;
}

/**
 * Computes and records the reference scores of each task in turn (each in a scratch folder removed
 * afterwards), logging one line per task; returns the reports by task id.
 */
export async function recordReferenceScores(
  tasks: readonly Task[],
  runPython: RunPython,
  options: { log?: (line: string) => void; dataDir?: string } = {},
): Promise<Record<string, ReferenceScoreReport>> {
  const reports: Record<string, ReferenceScoreReport> = {};
  for (const task of tasks) {
    options.log?.(`${task.spec.id}: running the constant and model baselines`);
    const work = await mkdtemp(join(tmpdir(), `lc-baselines-${task.spec.id}-`));
    try {
      const report = await computeReferenceScores(task, runPython, work, options.dataDir);
      reports[task.spec.id] = report;
      options.log?.(describeReferenceScores(task, report));
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  return reports;
}

/**
 * Where a score sits between the constant baseline (0) and the reference model (1); the same formula serves
 * lower- and higher-is-better metrics, since both references move in the metric's own direction. Undefined
 * when the references coincide or a value is not finite.
 */
export function normalisedScore(score: number, reference: Pick<ReferenceScores, "constant" | "model">): number | undefined {
  const span = reference.model - reference.constant;
  if (!Number.isFinite(score) || span === 0 || !Number.isFinite(span)) return undefined;
  const value = (score - reference.constant) / span;
  return value === 0 ? 0 : value; // no -0 in reports
}
