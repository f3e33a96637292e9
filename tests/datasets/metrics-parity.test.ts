// Every metric against scikit-learn / scipy on randomised cases (ties, constant predictions, one class,
// extreme probabilities), computed in the sandbox image. Tolerance: 1e-9 relative to max(1, |reference|).
import { beforeAll, describe, expect, it } from "vitest";
import * as m from "../../datasets/metrics.js";
import { gradeTables } from "../../datasets/grade.js";
import { seededRandom } from "../../datasets/index.js";
import type { TaskSpec } from "../../datasets/task.js";
import type { MetricName } from "../../datasets/metric-registry.js";
import { referenceAvailable, runPythonReference } from "../support/python-reference.js";

const rand = seededRandom(20261121);
const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const randint = (k: number) => Math.floor(rand() * k);
const arr = <T,>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
const round1 = (v: number) => Math.round(v * 10) / 10;

interface Case {
  metric: string;
  y: number[] | number[][] | string[] | string[][];
  p: number[] | number[][] | string[] | string[][];
  params?: Record<string, unknown>;
  ours: number;
  label: string;
}
const cases: Case[] = [];
const add = (c: Case) => cases.push(c);

// ---- regression ----
for (const n of [2, 7, 50, 1000]) {
  for (const variant of ["random", "ties", "constant-pred"]) {
    const y = arr(n, () => (variant === "ties" ? round1(normal()) : normal() * 10 + 3));
    const p = arr(n, (i) => (variant === "constant-pred" ? 1.5 : variant === "ties" ? round1(y[i]! + normal()) : y[i]! + normal() * 3));
    const label = `${variant} n=${n}`;
    add({ metric: "rmse", y, p, ours: m.rmse(y, p), label });
    add({ metric: "mse", y, p, ours: m.mse(y, p), label });
    add({ metric: "mae", y, p, ours: m.mae(y, p), label });
    add({ metric: "r2", y, p, ours: m.r2(y, p), label });
    add({ metric: "mape", y, p, ours: m.mape(y, p), label });
    add({ metric: "pearson", y, p, ours: m.pearson(y, p), label });
    add({ metric: "spearman", y, p, ours: m.spearman(y, p), label });
    const ya = y.map(Math.abs);
    const pa = p.map((v) => Math.abs(v) * 0.9);
    add({ metric: "rmsle", y: ya, p: pa, ours: m.rmsle(ya, pa), label });
  }
}
{
  const y = [3, 3, 3, 3];
  const same = [3, 3, 3, 3];
  const off = [1, 2, 3, 4];
  add({ metric: "r2", y, p: same, ours: m.r2(y, same), label: "constant target, perfect" });
  add({ metric: "r2", y, p: off, ours: m.r2(y, off), label: "constant target, imperfect" });
  const yz = [0, 1, 2, 0];
  add({ metric: "mape", y: yz, p: off, ours: m.mape(yz, off), label: "zeros in y" });
}
for (const n of [5, 200]) {
  const cols = 3;
  const y = arr(cols, () => arr(n, () => normal()));
  const p = arr(cols, (c) => arr(n, (i) => y[c]![i]! + normal()));
  add({ metric: "mcrmse", y, p, ours: m.mcrmse(y, p), label: `n=${n}` });
  const yz = y.map((col) => col.map((v, i) => (i === 0 ? 0 : v)));
  add({ metric: "cosine", y: yz, p, ours: m.meanCosineSimilarity(yz, p), label: `n=${n} with a zero row` });
}

// ---- binary scores and probabilities ----
for (const n of [3, 20, 500, 5000]) {
  for (const variant of ["random", "ties", "constant-pred", "one-class", "extreme"]) {
    const y = arr(n, (i) => (variant === "one-class" ? 1 : i === 0 ? 0 : i === 1 ? 1 : rand() < 0.3 ? 1 : 0));
    const p = arr(n, (i) => {
      if (variant === "constant-pred") return 0.25;
      if (variant === "ties") return round1(rand());
      if (variant === "extreme") return rand() < 0.3 ? (rand() < 0.5 ? 0 : 1) : rand() < 0.5 ? 1e-17 : 1 - 1e-17 + y[i]! * 0;
      return Math.min(1, Math.max(0, 0.3 * y[i]! + rand() * 0.7));
    });
    const label = `${variant} n=${n}`;
    add({ metric: "roc_auc", y, p, ours: m.rocAuc(y, p), label });
    add({ metric: "log_loss", y, p, ours: m.logLossBinary(y, p), label });
  }
}
// ---- multi-class probabilities (one-hot answers, one column per class) ----
for (const [n, k] of [
  [30, 3],
  [400, 5],
  [2000, 26],
] as const) {
  for (const variant of ["random", "zeros", "unnormalised"]) {
    const cls = arr(n, (i) => (i < k ? i : randint(k)));
    const onehot = arr(k, (c) => cls.map((v) => (v === c ? 1 : 0)));
    const raw = arr(k, () => arr(n, () => rand()));
    if (variant === "zeros") for (const col of raw) for (let i = 0; i < n; i++) if (rand() < 0.2) col[i] = 0;
    const sums = arr(n, (i) => raw.reduce((s, col) => s + col[i]!, 0));
    const probs = variant === "unnormalised" ? raw : raw.map((col) => col.map((v, i) => v / sums[i]!));
    const label = `${variant} n=${n} k=${k}`;
    add({ metric: "log_loss_multi", y: onehot, p: probs, ours: m.logLossMulticlass(cls, probs), label });
    if (variant !== "unnormalised") add({ metric: "roc_auc_ovr", y: onehot, p: probs, ours: m.meanColumnRocAuc(onehot, probs), label });
    if (variant !== "unnormalised") add({ metric: "roc_auc_ovr_weighted", y: onehot, p: probs, ours: m.meanColumnRocAuc(onehot, probs, "weighted"), label });
    add({ metric: "mean_column_auc", y: onehot, p: raw, ours: m.meanColumnRocAuc(onehot, raw), label });
  }
}

// ---- labels, through the grader (label encoding included) ----
function labelSpec(name: MetricName, params: Record<string, string | number> = {}): TaskSpec {
  const lower = false;
  return {
    id: "t",
    title: "t",
    data_type: "tabular",
    metric: { name, params },
    lower_is_better: lower,
    id_column: "id",
    target_columns: ["y"],
    source: { package: "test", version: "0", dataset: "t", license: "MIT" },
    license: "MIT",
  };
}
function viaGrader(name: MetricName, y: string[], p: string[], params: Record<string, string | number> = {}): number {
  const ids = y.map((_, i) => String(i));
  const r = gradeTables(labelSpec(name, params), { header: ["id", "y"], columns: [ids, y], rowCount: y.length }, { header: ["id", "y"], columns: [ids, p], rowCount: p.length });
  if (r.errors.length > 0) return Number.NaN;
  return r.score!;
}
const words = ["rain", "sun", "fog", "snow", "drizzle", "hail"];
for (const n of [4, 60, 800]) {
  for (const variant of ["random", "constant-pred", "one-class", "unseen-pred"]) {
    const k = 4;
    const y = arr(n, () => (variant === "one-class" ? "sun" : words[randint(k)]!));
    const p = arr(n, (i) =>
      variant === "constant-pred" ? "rain" : variant === "unseen-pred" && i % 5 === 0 ? "hail" : rand() < 0.6 ? y[i]! : words[randint(k)]!,
    );
    const label = `${variant} n=${n}`;
    add({ metric: "accuracy", y, p, ours: viaGrader("accuracy", y, p), label });
    add({ metric: "balanced_accuracy", y, p, ours: viaGrader("balanced_accuracy", y, p), label });
    add({ metric: "mcc", y, p, ours: viaGrader("mcc", y, p), label });
    for (const average of ["micro", "macro", "weighted"]) {
      add({ metric: "f1", y, p, params: { average }, ours: viaGrader("f1", y, p, { average }), label: `${label} ${average}` });
    }
    const ratings = [1, 2, 4, 7, 8];
    const yr = arr(n, () => String(ratings[randint(variant === "one-class" ? 1 : 4)]));
    const pr = arr(n, (i) => (variant === "constant-pred" ? "4" : rand() < 0.5 ? yr[i]! : String(ratings[randint(5)])));
    if (variant !== "one-class" && variant !== "constant-pred") {
      add({ metric: "qwk", y: yr, p: pr, ours: viaGrader("qwk", yr, pr), label });
    }
    const yb = arr(n, (i) => (variant === "one-class" ? "1" : i < 2 ? String(i) : rand() < 0.4 ? "1" : "0"));
    const pb = arr(n, (i) => (variant === "constant-pred" ? "0" : rand() < 0.7 ? yb[i]! : rand() < 0.5 ? "1" : "0"));
    add({ metric: "f1", y: yb, p: pb, params: { average: "binary", pos_label: "1" }, ours: viaGrader("f1", yb, pb, { average: "binary", pos_label: "1" }), label: `${label} binary` });
  }
}
// ---- MAP@K (reference: Kaggle's ml_metrics apk) ----
for (const n of [5, 300]) {
  const items = arr(12, (i) => `i${i}`);
  const actual = arr(n, () => arr(1 + randint(3), () => items[randint(12)]!));
  const predicted = arr(n, () => arr(randint(8), () => items[randint(12)]!));
  for (const k of [1, 3, 5]) add({ metric: "map_at_k", y: actual, p: predicted, params: { k }, ours: m.meanAveragePrecisionAtK(actual, predicted, k), label: `n=${n} k=${k}` });
}

const REFERENCE = String.raw`
import json, sys, warnings
import numpy as np
warnings.filterwarnings("ignore")
from sklearn import metrics as M
from scipy import stats
from sklearn.preprocessing import normalize

def apk(actual, predicted, k):
    if len(predicted) > k:
        predicted = predicted[:k]
    score, hits = 0.0, 0.0
    for i, p in enumerate(predicted):
        if p in actual and p not in predicted[:i]:
            hits += 1.0
            score += hits / (i + 1.0)
    if not actual:
        return 0.0
    return score / min(len(actual), k)

def kaggle_clip(P):
    P = np.clip(np.asarray(P, dtype=float), 1e-15, 1 - 1e-15)
    return P

def one(c):
    name, y, p, params = c["metric"], c["y"], c["p"], c.get("params") or {}
    if name == "rmse": return float(np.sqrt(M.mean_squared_error(y, p)))
    if name == "mse": return M.mean_squared_error(y, p)
    if name == "mae": return M.mean_absolute_error(y, p)
    if name == "rmsle": return float(np.sqrt(M.mean_squared_log_error(y, p)))
    if name == "r2": return M.r2_score(y, p)
    if name == "mape": return M.mean_absolute_percentage_error(y, p)
    if name == "pearson": return stats.pearsonr(y, p)[0]
    if name == "spearman": return stats.spearmanr(y, p)[0]
    if name == "mcrmse":
        Y, P = np.array(y).T, np.array(p).T
        return float(np.mean(np.sqrt(M.mean_squared_error(Y, P, multioutput="raw_values"))))
    if name == "cosine":
        Y, P = np.array(y).T, np.array(p).T
        return float(np.mean(np.sum(normalize(Y) * normalize(P), axis=1)))
    if name == "roc_auc": return M.roc_auc_score(y, p)
    if name == "log_loss":
        q = kaggle_clip(p)
        return M.log_loss(y, np.column_stack([1 - q, q]), labels=[0, 1])
    if name == "log_loss_multi":
        Y, P = np.array(y).T, kaggle_clip(np.array(p).T)
        P = P / P.sum(axis=1, keepdims=True)
        return M.log_loss(Y.argmax(axis=1), P, labels=list(range(Y.shape[1])))
    if name == "roc_auc_ovr":
        Y, P = np.array(y).T, np.array(p).T
        return M.roc_auc_score(Y.argmax(axis=1), P, multi_class="ovr", labels=list(range(Y.shape[1])))
    if name == "roc_auc_ovr_weighted":
        Y, P = np.array(y).T, np.array(p).T
        return M.roc_auc_score(Y.argmax(axis=1), P, multi_class="ovr", average="weighted", labels=list(range(Y.shape[1])))
    if name == "mean_column_auc":
        Y, P = np.array(y).T, np.array(p).T
        return float(np.mean([M.roc_auc_score(Y[:, j], P[:, j]) for j in range(Y.shape[1])]))
    if name == "accuracy": return M.accuracy_score(y, p)
    if name == "balanced_accuracy": return M.balanced_accuracy_score(y, p)
    if name == "mcc": return M.matthews_corrcoef(y, p)
    if name == "f1":
        if params.get("average") == "binary":
            return M.f1_score(y, p, average="binary", pos_label=params["pos_label"], zero_division=0)
        return M.f1_score(y, p, average=params["average"], zero_division=0)
    if name == "qwk": return M.cohen_kappa_score([int(v) for v in y], [int(v) for v in p], weights="quadratic")
    if name == "map_at_k": return float(np.mean([apk(a, b, params["k"]) for a, b in zip(y, p)]))
    raise ValueError(name)

out = []
for c in json.load(sys.stdin):
    try:
        v = float(one(c))
        out.append(v if np.isfinite(v) else None)
    except ValueError:
        out.append(None)
print(json.dumps(out))
`;

describe("metrics match scikit-learn / scipy", () => {
  let reference: (number | null)[] = [];
  beforeAll(async () => {
    const available = await referenceAvailable();
    if (!available.ok) throw new Error(`metric parity needs the reference Python: ${available.reason}`);
    reference = await runPythonReference<(number | null)[]>(REFERENCE, cases.map(({ ours: _o, label: _l, ...c }) => c));
  });

  it(`covers every metric name (${cases.length} cases)`, () => {
    const names = new Set(cases.map((c) => c.metric));
    for (const n of ["rmse", "mse", "mae", "rmsle", "r2", "mape", "roc_auc", "log_loss", "accuracy", "balanced_accuracy", "f1", "mcc", "qwk", "mcrmse", "map_at_k", "mean_column_auc", "cosine", "pearson", "spearman"]) {
      expect(names.has(n), n).toBe(true);
    }
    expect(reference).toHaveLength(cases.length);
  });

  it("agrees to 1e-9 on every case (undefined results are NaN on both sides)", () => {
    const failures: string[] = [];
    cases.forEach((c, i) => {
      const ref = reference[i];
      if (ref === null || ref === undefined) {
        if (!Number.isNaN(c.ours)) failures.push(`${c.metric} [${c.label}]: reference undefined, ours ${c.ours}`);
        return;
      }
      if (!(Math.abs(c.ours - ref) <= 1e-9 * Math.max(1, Math.abs(ref)))) failures.push(`${c.metric} [${c.label}]: ours ${c.ours}, reference ${ref}`);
    });
    expect(failures).toEqual([]);
  });
});
