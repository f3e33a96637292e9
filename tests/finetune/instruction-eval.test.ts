// finetune eval --instructions: the text measures on hand-made references (ROUGE-L against known values, the
// libraries/techniques named, distinct answers), and the eval over the held-out competition of a corpus built from
// the paper's CSV sample plus two of the paper's sample inputs, with scripted planners through the agent team.
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createAgentTeam, createMemoryTranscriptSink } from "../../agents/index.js";
import {
  bestRougeL,
  buildCorpus,
  distinctRate,
  evaluateInstructions,
  instructionTable,
  readCorpus,
  rougeL,
  termOverlap,
  termsOf,
  type CorpusCard,
  type Pair,
} from "../../finetune/index.js";
import { parsePaperInstruction } from "../../instructions/index.js";
import { buildCli, linguacodus } from "../support/cli.js";
import { ScriptedChatModel, type ScriptedCall } from "../support/scripted-model.js";
import { tempDir } from "./fixtures.js";

const FIXTURES = join(import.meta.dirname, "fixtures");

describe("instruction text measures", () => {
  it("ROUGE-L is the LCS F1 over words: known values", () => {
    // LCS "the cat on the mat" = 5 of 6 words each way.
    expect(rougeL("The cat lay on the mat.", "the cat sat on the mat")).toBeCloseTo(5 / 6, 10);
    // LCS 2: precision 2/2, recall 2/6 → F1 = 2·1·(1/3)/(1 + 1/3) = 0.5.
    expect(rougeL("the mat", "the cat sat on the mat")).toBeCloseTo(0.5, 10);
    expect(rougeL("gradient boosting on one-hot features", "gradient boosting on one-hot features")).toBe(1);
    expect(rougeL("", "anything")).toBe(0);
    // LCS "a b d" = 3; precision 3/4, recall 3/5 → 2·0.75·0.6/1.35 = 0.6667.
    expect(rougeL("a b c d", "a x b d e")).toBeCloseTo(2 / 3, 10);
    expect(bestRougeL("the mat", ["dogs bark", "the cat sat on the mat", "the mat"])).toBe(1);
  });

  it("names libraries and techniques, measures their overlap, and counts distinct answers", () => {
    const a = termsOf("Load with pandas, one-hot encode, then an XGBClassifier with 5-fold cross-validation.");
    expect(a).toEqual(["cross-validation", "one-hot encoding", "pandas", "xgboost"]);
    const b = termsOf("Use LightGBM with 5-fold CV; impute missing values; pandas for loading; cross validation for tuning.");
    expect(b).toEqual(["cross-validation", "imputation", "lightgbm", "pandas"]);
    // {cross-validation, pandas} of 6 terms in all.
    expect(termOverlap(a, b)).toBeCloseTo(2 / 6, 10);
    expect(distinctRate(["Use a random forest.", "use a random forest", "Train a CNN on the images."])).toBeCloseTo(2 / 3, 10);
  });
});

describe("evaluateInstructions on held-out competitions and sample inputs", () => {
  let card: CorpusCard;
  let pairs: Pair[];
  let corpusDir: string;
  beforeAll(async () => {
    corpusDir = join(tempDir("lc-ft-ieval-"), "corpus");
    await buildCorpus({ from: [`pairs:${join(FIXTURES, "paper-sample.csv")}`], out: corpusDir, extractor: "none", tasksDir: corpusDir, validationShare: 0.34 }, { createTeam: () => Promise.reject(new Error("no")) });
    ({ card, pairs } = readCorpus(corpusDir));
  });

  it("asks each place with the corpus's prompt and measures the answers against that competition's references", async () => {
    const [heldOut] = card.competitions.validation;
    const refs = pairs.filter((p) => p.competition === heldOut);
    // A reference that parses (one of this competition's does not: a single "Data preprocessing" heading over all).
    const parsing = refs.find((r) => parsePaperInstruction(r.completion, 1).ok)!;
    const calls: Record<string, ScriptedCall[]> = { base: [], adapter: [] };
    // The adapter answers a reference for place 1, another wording for place 2, and no sections for place 3;
    // the base answers the same text everywhere.
    const adapter = new ScriptedChatModel((call) => {
      calls.adapter!.push(call);
      if (/first place instruction/.test(call.lastUser)) return parsing.completion;
      if (/second place instruction/.test(call.lastUser)) return "Data preprocessing:\n- resize images\nModel architecture:\n- a small CNN\nModel training:\n- Adam for 5 epochs";
      return "I would try something.";
    });
    const base = new ScriptedChatModel((call) => {
      calls.base!.push(call);
      return "I would try something.";
    });
    const report = await evaluateInstructions({
      base: "/models/base.gguf",
      adapterGguf: "/models/adapter.gguf",
      corpusDir,
      card,
      pairs,
      places: [1, 2, 3],
      sampleInputs: join(FIXTURES, "sample-inputs.csv"),
      createTeam: (spec) => createAgentTeam({ models: { planner: spec }, transcript: createMemoryTranscriptSink(), resolveChatModel: () => (spec.includes("+lora:") ? adapter : base) }),
    });
    expect(report.competitions).toEqual([heldOut]);
    // Held-out prompts: the corpus's own system prompt and wording, the place word changed.
    const first = calls.adapter![0]!;
    expect(first.messages[0]).toEqual({ role: "system", content: refs[0]!.system });
    expect(first.lastUser).toMatch(/^Imagine that you are is an data analyst\. Your objective is writing the first place instruction/);
    expect(calls.adapter!.map((c) => /writing the (\S+) place/.exec(c.lastUser)?.[1])).toEqual(["first", "second", "third", "first", "second", "third", "first", "second", "third"]);
    // Sample inputs asked with the corpus's template (title and task in the task slot; this small corpus has no tabular data type to map onto).
    expect(calls.adapter![3]!.lastUser).toContain("Task: Binary Classification of Machine Failures\nFor each id in the test set");
    expect(calls.adapter![3]!.lastUser).toContain("The tabular data is used for the problem. The metric type is roc for the problem.");

    const row = (planner: string, set: string, place: string) => report.summaries.find((s) => s.planner === planner && s.set === set && s.place === place)!;
    expect(row("adapter", "held-out", "1")).toMatchObject({ answers: 1, parseRate: 1, completeness: 1, rougeL: 1 });
    expect(row("adapter", "held-out", "3")).toMatchObject({ parseRate: 0, completeness: 0 });
    expect(row("adapter", "held-out", "all").parseRate).toBeCloseTo(2 / 3, 10);
    expect(row("adapter", "held-out", "2").rougeL).toBeGreaterThan(0);
    expect(row("adapter", "held-out", "2").rougeL).toBeLessThan(0.5);
    expect(row("adapter", "sample-inputs", "all")).toMatchObject({ answers: 6, rougeL: null, termOverlap: null });
    expect(row("base", "held-out", "all")).toMatchObject({ parseRate: 0, completeness: 0 });
    // The base says the same thing for every place; the adapter's three answers differ.
    expect(report.distinct.find((d) => d.planner === "base" && d.set === "held-out")?.rate).toBeCloseTo(1 / 3, 10);
    expect(report.distinct.find((d) => d.planner === "adapter" && d.set === "held-out")?.rate).toBe(1);
    const answer = report.answers.find((a) => a.planner === "adapter" && a.place === 1 && a.set === "held-out")!;
    expect(answer.rougeLSamePlace === null || answer.rougeLSamePlace <= 1).toBe(true);
    expect(instructionTable(report)).toMatch(/adapter\s+held-out\s+1\s+1\s+100%\s+100%\s+1\.000/);
  });

  describe("through the CLI", () => {
    beforeAll(buildCli, 300_000);
    it("--instructions without a corpus is refused with the fix", async () => {
      const result = await linguacodus(["finetune", "eval", "--instructions", "--adapter", "/nonexistent/a.gguf", "--base", "/nonexistent/b.gguf"]);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain("--instructions needs --corpus <dir>");
    }, 60_000);
  });
});
