// finetune corpus from pre-extracted pairs: rows of the paper's released CSV (3 competitions, copied into
// fixtures/paper-sample.csv, MIT licence — see fixtures/README.md) plus malformed rows; plain JSONL.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCorpus, CorpusError, readCorpus } from "../../finetune/index.js";
import { buildCli, linguacodus } from "../support/cli.js";
import { tempDir } from "./fixtures.js";

const SAMPLE = join(import.meta.dirname, "fixtures", "paper-sample.csv");
const noTeam = { createTeam: () => Promise.reject(new Error("pairs need no extractor")) };
const build = (from: string[], extra: Partial<Parameters<typeof buildCorpus>[0]> = {}) =>
  buildCorpus({ from, out: join(tempDir("lc-ft-pairs-"), "corpus"), extractor: "none", tasksDir: "/nonexistent", validationShare: 0.34, ...extra }, noTeam);

describe("finetune corpus --from pairs:<file>", () => {
  it("parses the paper's Llama-2 chat strings into system, user prompt and completion, recovers the fields and splits by competition", async () => {
    const { card, pairs, dir } = await build([`pairs:${SAMPLE}`]);
    expect(pairs).toHaveLength(8);
    const seedling = pairs.find((p) => p.origin.includes("(18295889)"))!;
    expect(seedling.system).toMatch(/^You are a helpful, respectful and honest assistant\./);
    expect(seedling.prompt).toMatch(/^Imagine that you are is an data analyst\. Your objective is writing the ninth place instruction/);
    expect(seedling.prompt).toMatch(/model architecture and model training\.$/);
    expect(seedling.completion).toMatch(/^Data preprocessing:\n- The code uses the `os.walk` function/);
    expect(seedling.completion).not.toMatch(/<\/s>|\[\/INST\]/);
    expect(seedling).toMatchObject({ rank: 9, metric: "f_score_multiclass", dataType: "image data", title: "Determine the species of a seedling from an image", competition: "determine-the-species-of-a-seedling-from-an-image" });
    expect(seedling.messages.map((m) => m.role)).toEqual(["system", "user", "assistant"]);

    // Split by competition: 3 competitions, each on one side only, one held out.
    const sides = new Map<string, Set<string>>();
    for (const p of pairs) sides.set(p.competition, (sides.get(p.competition) ?? new Set()).add(p.split));
    expect(sides.size).toBe(3);
    expect([...sides.values()].every((s) => s.size === 1)).toBe(true);
    expect(card.competitions.validation).toHaveLength(1);

    // Counts per metric, data type and place; the malformed rows named with their reason.
    expect(card.counts.byMetric).toEqual({ f_score_multiclass: 3, auc: 3, categorization_accuracy: 2 });
    expect(card.counts.byDataType).toEqual({ "image data": 6, "text data": 2 });
    expect(card.counts.byPlace?.unknown).toBe(1);
    expect(Object.values(card.counts.byPlace ?? {}).reduce((a, b) => a + b, 0)).toBe(8);
    expect(card.dropped.map((d) => `${d.origin}: ${d.reason}`)).toEqual([
      "paper-sample.csv:8 (bad-no-inst): no [/INST] after the prompt",
      "paper-sample.csv:9 (bad-empty): empty completion",
      "paper-sample.csv:11 (dup-row): duplicate of paper-sample.csv:1 (18295889)",
    ]);
    expect(card.warnings).toEqual([
      { origin: "paper-sample.csv:10 (odd-place)", competition: "determine-whether-an-image-contains-a-columnar-cactus", reason: "place word 'umpteenth' not recognised: kept with rank unknown" },
    ]);

    // The prompt template read from the rows: the system prompt and the wording with slots.
    expect(card.plannerPrompt?.system).toBe(seedling.system);
    expect(card.plannerPrompt?.user).toBe(
      "Imagine that you are is an data analyst. Your objective is writing the {place} place instruction for solving this machine learning task. " +
        "Task: {task}\nThe {dataType} data is used for the problem. The metric type is {metric} for the problem. " +
        "Your response contains the main information about data preprocessing, model architecture and model training.",
    );
    // Every usable row of the file (the duplicate too) is written in that wording.
    expect([card.plannerPrompt?.rowsMatching, card.plannerPrompt?.rows]).toEqual([9, 9]);
    // Read back: the pairs file and the card agree.
    expect(readCorpus(dir).pairs).toHaveLength(8);
  });

  it("detects the CSV without the pairs: prefix, and drops unknown places on request", async () => {
    const { card, pairs } = await build([SAMPLE], { unknownPlace: "drop" });
    expect(pairs).toHaveLength(7);
    expect(card.warnings).toEqual([]);
    expect(card.dropped.map((d) => d.reason)).toContain("place word 'umpteenth' not recognised (--unknown-place drop)");
  });

  it("reads plain JSONL: prompt/completion, chat messages; a bad line is named", async () => {
    const file = join(tempDir("lc-ft-jsonl-"), "pairs.jsonl");
    writeFileSync(
      file,
      [
        JSON.stringify({ prompt: "Write the first place instruction for house prices.", completion: "Data preprocessing:\n- impute", competition: "houses", metric: "rmse" }),
        JSON.stringify({ messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Second place for churn." }, { role: "assistant", content: "Model training:\n- fit" }], competition: "churn", rank: 2 }),
        "{not json",
        // A prompt without a completion is read as one Llama-2 chat string.
        JSON.stringify({ prompt: "only a prompt" }),
      ].join("\n"),
    );
    const { pairs, card } = await build([`pairs:${file}`]);
    expect(pairs.map((p) => [p.competition, p.rank, p.metric, p.messages.length])).toEqual([
      ["churn", 2, "unknown", 3],
      ["houses", null, "rmse", 2],
    ]);
    expect(card.dropped.map((d) => `${d.origin}: ${d.reason.split(" (")[0]}`)).toEqual(["pairs.jsonl:3: not JSON", "pairs.jsonl:4: not a Llama-2 chat string"]);
    expect(card.plannerPrompt).toBeUndefined();
  });

  it("refuses to mix pairs with solution sources", async () => {
    await expect(build([`pairs:${SAMPLE}`, "builtin"])).rejects.toThrow(CorpusError);
  });

  describe("through the CLI", () => {
    beforeAll(buildCli, 300_000);
    it("prints the kept rows and the template; a bad --unknown-place is named", async () => {
      const out = join(tempDir("lc-ft-pairs-cli-"), "corpus");
      const ok = await linguacodus(["finetune", "corpus", "--from", `pairs:${SAMPLE}`, "--out", out, "--validation-share", "0.34"]);
      expect(ok.stderr).toBe("");
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(/8 pairs \(\d+ train, \d+ validation\) from 3 competitions; 3 dropped/);
      expect(ok.stdout).toContain("kept: paper-sample.csv:10 (odd-place): place word 'umpteenth' not recognised: kept with rank unknown");
      expect(JSON.parse(readFileSync(join(out, "corpus.json"), "utf8")).plannerPrompt.user).toContain("{place} place instruction");
      const bad = await linguacodus(["finetune", "corpus", "--from", `pairs:${SAMPLE}`, "--out", `${out}2`, "--unknown-place", "maybe"]);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain("--unknown-place must be keep or drop");
    }, 120_000);
  });
});
