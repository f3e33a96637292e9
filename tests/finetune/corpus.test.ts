// finetune corpus: Code4ML + run folder + plain folder → ranked, top-K, extracted (scripted extractor through the
// real agent team), pairs in the paper's prompt format, split by competition, cached by solution hash.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  CorpusError,
  CorpusSourceError,
  buildCorpus,
  rankSolutions,
  readCode4ml,
  readCorpus,
  splitByCompetition,
  staticExtract,
  type Solution,
} from "../../finetune/index.js";
import { parsePaperInstruction } from "../../instructions/index.js";
import { ScriptedChatModel } from "../support/scripted-model.js";
import { markerAnswer, markerExtractor, scriptedCorpusDeps, tempDir, writeCode4ml, writePlainFolder, writeRunsFolder, writeTaskFolder } from "./fixtures.js";

function sources() {
  const root = tempDir("lc-ft-corpus-");
  const code4ml = writeCode4ml(join(root, "code4ml"));
  const taskDir = writeTaskFolder(join(root, "tasks", "concrete-mix"), "concrete-mix");
  const runs = writeRunsFolder(join(root, "bench"), taskDir, "concrete-mix");
  const plain = writePlainFolder(join(root, "plain"));
  return { root, code4ml, runs, plain };
}

describe("finetune corpus", () => {
  it("ranks in the metric's direction, keeps the top K, splits by competition and caches every extraction", async () => {
    const { root, code4ml, runs, plain } = sources();
    const out = join(root, "corpus");
    const model = markerExtractor();
    const progress: number[] = [];
    const result = await buildCorpus(
      { from: [code4ml, runs, plain], out, extractor: "openai:scripted-extractor", topK: 2, validationShare: 0.34, concurrency: 2, tasksDir: join(root, "tasks") },
      { ...scriptedCorpusDeps(model), onProgress: (p) => progress.push(p.done) },
    );
    const byComp = (c: string) => result.pairs.filter((p) => p.competition === c).sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity));

    // rmse: lower is better → k2 (1.0) first, k3 (2.0) second; k1 (3.0) is beyond the top 2.
    expect(byComp("house-rmse").map((p) => [p.rank, p.origin])).toEqual([
      [1, "kernels_meta.csv:k2"],
      [2, "kernels_meta.csv:k3"],
    ]);
    // auc: higher is better → k5 (0.9), k6 (0.8).
    expect(byComp("churn-auc").map((p) => p.origin)).toEqual(["kernels_meta.csv:k5", "kernels_meta.csv:k6"]);
    expect(byComp("wine-quality").map((p) => p.origin.split("/").pop())).toEqual(["b.ipynb", "a.py"]);
    expect(byComp("concrete-mix")).toHaveLength(1);

    // The completion is the extractor's answer for that very solution, in the paper's four-section layout.
    const top = byComp("house-rmse")[0]!;
    expect(top.completion).toContain("(kernel k2)");
    expect(parsePaperInstruction(top.completion, 1).ok).toBe(true);
    expect(top.prompt).toContain("Generate the first place instruction");
    expect(top.prompt).toContain("Metric: rmse (lower is better)");
    expect(byComp("house-rmse")[1]!.prompt).toContain("second place instruction");
    expect(top.messages).toEqual([
      { role: "user", content: top.prompt },
      { role: "assistant", content: top.completion },
    ]);
    // Notebook code cells only, blocks in order.
    expect(model.calls.some((c) => c.lastUser.includes("import pandas as pd\n# kernel k2\nX = pd.read_csv(\"train.csv\")\n\nmodel.fit(X, y)  # kernel k2"))).toBe(true);

    // Split by competition: no competition on both sides, at least one held out.
    const sides = new Map<string, Set<string>>();
    for (const p of result.pairs) sides.set(p.competition, (sides.get(p.competition) ?? new Set()).add(p.split));
    expect([...sides.values()].every((s) => s.size === 1)).toBe(true);
    expect(result.card.competitions.validation.length).toBeGreaterThanOrEqual(1);
    expect(new Set([...result.card.competitions.train, ...result.card.competitions.validation]).size).toBe(4);

    // Card: dropped items with reasons, counts.
    const reasons = result.card.dropped.map((d) => `${d.origin}: ${d.reason}`);
    expect(reasons).toContain("kernels_meta.csv:k1: below the top 2");
    expect(reasons).toContain("kernels_meta.csv:k7: no score and no leaderboard rank");
    expect(reasons).toContain("kernels_meta.csv:k8: competition no-such-competition not in competitions_meta.csv");
    expect(reasons.some((r) => r.includes("r-bad") && r.includes("no valid score"))).toBe(true);
    expect(reasons.some((r) => r.endsWith("unscored.py: not listed in scores.csv (no score)"))).toBe(true);
    expect(result.card.counts.bySource).toEqual({ code4ml: 4, runs: 1, folder: 2 });
    expect(result.card.pairs).toBe(7);

    // Every call in transcripts.jsonl, role extractor.
    const lines = readFileSync(join(out, "transcripts.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { role: string });
    expect(lines).toHaveLength(7);
    expect(lines.every((l) => l.role === "extractor")).toBe(true);
    expect(result.extractorCalls).toBe(7);
    expect(progress.at(-1)).toBe(7);

    // A second build without --resume refuses; with --resume it repeats no call and writes the same pairs.
    await expect(buildCorpus({ from: [code4ml, runs, plain], out, extractor: "openai:scripted-extractor", topK: 2, tasksDir: root }, scriptedCorpusDeps(model))).rejects.toThrow(/--resume/);
    const before = readFileSync(join(out, "pairs.jsonl"), "utf8");
    const again = await buildCorpus(
      { from: [code4ml, runs, plain], out, extractor: "openai:scripted-extractor", topK: 2, validationShare: 0.34, tasksDir: join(root, "tasks"), resume: true },
      scriptedCorpusDeps(model),
    );
    expect(again.extractorCalls).toBe(0);
    expect(model.calls).toHaveLength(7);
    expect(readFileSync(join(out, "pairs.jsonl"), "utf8")).toBe(before);
    expect(readCorpus(out).pairs).toHaveLength(7);
  });

  it("a failed extraction is cached with its reason and the pair is dropped, not retried on resume", async () => {
    const { root, plain } = sources();
    const out = join(root, "corpus");
    const model = new ScriptedChatModel(({ promptText }) => (promptText.includes("# plain a") ? "not json at all" : markerAnswer(promptText)));
    const result = await buildCorpus({ from: [plain], out, extractor: "openai:x", tasksDir: root }, scriptedCorpusDeps(model));
    expect(result.pairs.map((p) => p.origin.split("/").pop())).toEqual(["b.ipynb"]);
    expect(result.card.dropped.some((d) => d.origin.endsWith("a.py") && d.reason.startsWith("extraction failed: Structured output failed validation twice"))).toBe(true);
    const calls = model.calls.length;
    await buildCorpus({ from: [plain], out, extractor: "openai:x", tasksDir: root, resume: true }, scriptedCorpusDeps(model));
    expect(model.calls.length).toBe(calls);
  });

  it("names a missing Code4ML file or column and the fix", () => {
    const root = tempDir("lc-ft-bad-");
    const dir = writeCode4ml(join(root, "c"));
    rmSync(join(dir, "code_blocks.csv"));
    expect(() => readCode4ml(dir)).toThrow(/code_blocks\.csv is missing/);
    writeCode4ml(dir);
    writeFileSync(join(dir, "competitions_meta.csv"), "comp_name,description,data_type\nx,y,tabular\n");
    expect(() => readCode4ml(dir)).toThrow(CorpusSourceError);
    expect(() => readCode4ml(dir)).toThrow(/competitions_meta\.csv: no metric column \(looked for metric, evaluation_metric/);
  });

  it("refuses a corpus with no scored solution", async () => {
    const root = tempDir("lc-ft-empty-");
    const dir = writeCode4ml(join(root, "c"));
    writeFileSync(join(dir, "kernels_meta.csv"), "kernel_id,comp_name,kaggle_score\nk1,house-rmse,\n");
    const model = markerExtractor();
    await expect(buildCorpus({ from: [dir], out: join(root, "out"), extractor: "openai:x", tasksDir: root }, scriptedCorpusDeps(model))).rejects.toThrow(CorpusError);
    await expect(buildCorpus({ from: [dir], out: join(root, "out2"), extractor: "openai:x", tasksDir: root }, scriptedCorpusDeps(model))).rejects.toThrow(
      /No scored solution.*no score and no leaderboard rank/,
    );
    expect(model.calls).toHaveLength(0);
    expect(existsSync(join(root, "out", "pairs.jsonl"))).toBe(false);
  });

  it("ranks by leaderboard place when every solution has one, and drops a metric of unknown direction", () => {
    const base = { source: "code4ml" as const, title: "t", description: "d", dataType: "tabular", code: "x", origin: "o" };
    const byRank: Solution[] = [
      { ...base, competition: "a", metric: "custom", leaderboardRank: 3, code: "c3", origin: "r3" },
      { ...base, competition: "a", metric: "custom", leaderboardRank: 1, code: "c1", origin: "r1" },
    ];
    expect(rankSolutions(byRank, 5).ranked.map((s) => s.origin)).toEqual(["r1", "r3"]);
    const unknown: Solution[] = [{ ...base, competition: "b", metric: "custom", score: 1 }];
    const { ranked, dropped } = rankSolutions(unknown, 5);
    expect(ranked).toHaveLength(0);
    expect(dropped[0]!.reason).toMatch(/no known direction/);
  });

  it("splits deterministically, never putting a competition on both sides", () => {
    const comps = Array.from({ length: 20 }, (_, i) => `c${i}`);
    const a = splitByCompetition(comps, 0.1);
    expect(a).toEqual(splitByCompetition([...comps].reverse(), 0.1));
    expect(a.validation).toHaveLength(2);
    expect(a.train.filter((c) => a.validation.includes(c))).toEqual([]);
    expect(splitByCompetition(["only"], 0.5)).toEqual({ train: ["only"], validation: [] });
  });
});

describe("static extractor", () => {
  it("lists what a script visibly does, in order, in the four sections", () => {
    const code = `import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.ensemble import HistGradientBoostingRegressor
train = pd.read_csv("/data/train.csv")
test = pd.read_csv("/data/test.csv")
train = train.fillna(0)
X = pd.get_dummies(train.drop(columns=["y"]))
Xtr, Xva, ytr, yva = train_test_split(X, train["y"])
model = HistGradientBoostingRegressor(max_iter=300)
model.fit(Xtr, ytr)
print(mean_absolute_error(yva, model.predict(Xva)))
pd.DataFrame({"id": test["id"], "y": model.predict(test)}).to_csv("submission.csv", index=False)
`;
    expect(staticExtract(code)).toEqual({
      dataPreprocessing: ["Read train.csv with pandas.", "Read test.csv with pandas.", "Fill missing values.", "One-hot encode the categorical columns."],
      modelArchitecture: ["Use HistGradientBoostingRegressor."],
      modelTraining: ["Hold out a validation split with train_test_split.", "Fit the model on the training features.", "Measure mean_absolute_error on held-out data."],
      submission: ["Predict the test rows.", "Write submission.csv with the id column and the predictions."],
    });
  });

  it("builds a corpus without any model call", async () => {
    const root = tempDir("lc-ft-static-");
    const result = await buildCorpus({ from: [writePlainFolder(join(root, "p"))], out: join(root, "out"), extractor: "static", tasksDir: root }, {
      createTeam: () => {
        throw new Error("no model may be created for the static extractor");
      },
    });
    expect(result.pairs).toHaveLength(2);
    expect(result.extractorCalls).toBe(0);
    expect(result.card.extractor).toBe("static");
  });
});
