// The CPU profile against today's defaults, in one run, on the paper's own corpus: both train on the same pairs
// (the first --pairs of a corpus built from result_prompts_new.csv, best places first), one epoch, and are
// compared on tokens/s, steps/min, and validation loss on the same held-out pairs after the same tokens.
//   npx tsx perf/finetune-profiles.ts [--base ~/.linguacodus/models/gemma3-270m-q4_k_m.gguf] [--pairs 24]
//     [--csv /work/shared/paper-corpus/result_prompts_new.csv] [--threads 2] [--nice 19] [--memory-budget-gb 8]
// "Today's defaults" are the paper's Table A.3 settings with the memory estimate picking batch and length that fit
// (batch 4 with no length limit does not fit 24 GB on Gemma 3 270M); the cpu profile is TRAIN_PROFILES.cpu.
// Minutes per run on Gemma 3 270M and 2 cores: keep --pairs small on a shared machine.
import { existsSync, mkdtempSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildCorpus, ensureVenv, trainAdapter, type AdapterCard, type TrainProfile } from "../finetune/index.js";

const { values } = parseArgs({
  options: {
    base: { type: "string" },
    csv: { type: "string", default: "/work/shared/paper-corpus/result_prompts_new.csv" },
    pairs: { type: "string", default: "24" },
    threads: { type: "string", default: "2" },
    nice: { type: "string", default: "19" },
    "memory-budget-gb": { type: "string" },
  },
});
const home = process.env.LINGUACODUS_HOME ?? join(homedir(), ".linguacodus");
const base = values.base ?? join(home, "models", "gemma3-270m-q4_k_m.gguf");
if (!existsSync(base)) throw new Error(`${base} not found (run .ci/default-model.sh, or pass --base)`);
const python = await ensureVenv({ dir: join(home, "venvs", "finetune"), log: (l) => console.error(l) });
const root = mkdtempSync(join(tmpdir(), "lc-perf-profiles-"));
const corpus = join(root, "corpus");
// Held-out competitions keep about 10% of the pairs for the validation loss.
const { card: corpusCard } = await buildCorpus(
  { from: [`pairs:${values.csv}`], out: corpus, extractor: "none", tasksDir: root, limit: Number(values.pairs), validationShare: 0.1 },
  { createTeam: () => Promise.reject(new Error("pairs need no extractor")) },
);

async function run(label: string, profile?: TrainProfile): Promise<AdapterCard> {
  const started = Date.now();
  const { card } = await trainAdapter({
    corpus,
    base,
    out: join(root, label),
    python,
    cacheDir: join(home, "cache", "finetune-bases"),
    ...(profile ? { profile } : {}),
    hyperparameters: { loggingSteps: 1, saveSteps: 100_000 },
    memoryFit: "auto",
    ...(values["memory-budget-gb"] ? { memoryBudgetGb: Number(values["memory-budget-gb"]) } : {}),
    threads: Number(values.threads),
    nice: Number(values.nice),
    onEvent: (e) => e.event === "memory" && console.error(`${label}: memory ${JSON.stringify(e)}`),
  });
  console.error(`${label}: ${card.steps} steps in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return card;
}

const defaults = await run("defaults");
const cpu = await run("cpu", "cpu");
const hp = (c: AdapterCard) => c.hyperparameters as Record<string, unknown>;
const row = (label: string, c: AdapterCard) =>
  `${label.padEnd(9)} ${String(c.tokens_per_second ?? "?").padStart(8)} tokens/s  ${((60 * c.steps) / Math.max(c.seconds, 1)).toFixed(2).padStart(6)} steps/min  ` +
  `tokens ${String((c as { tokens?: number }).tokens ?? "?").padStart(7)}  validation loss ${c.validation_loss?.toFixed(4) ?? "n/a"}  ` +
  `(batch ${String(hp(c).batch_size)}, max length ${String(hp(c).max_length)}, r ${String(hp(c).lora_r)}, checkpointing ${String(hp(c).gradient_checkpointing)}, completion logits ${String(hp(c).completion_logits)})`;
console.log(`base ${base}; ${corpusCard.counts.bySplit.train ?? 0} train / ${corpusCard.counts.bySplit.validation ?? 0} validation pairs of the paper's corpus, 1 epoch, ${values.threads} threads, nice ${values.nice}`);
console.log(row("defaults", defaults));
console.log(row("cpu", cpu));
console.log(`tokens/s ratio cpu/defaults: ${((cpu.tokens_per_second ?? 0) / Math.max(defaults.tokens_per_second ?? 1, 1e-9)).toFixed(2)}`);
