// Training speed of the LoRA recipe, measured in one run: tokens/s and s/step for a few steps, with and without
// gradient checkpointing (the paper's setting trades speed for memory), printed as a ratio.
//   npx tsx perf/finetune.ts [--base <model.gguf>] [--steps 3] [--max-length 512] [--lora-r 64] [--threads 2] [--nice 19]
// Default base: the embedded Gemma 3 270M (~/.linguacodus/models). The corpus is built with the static extractor
// from the prepared built-in tasks (or --corpus <dir>).
import { existsSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { mkdtempSync } from "node:fs";
import { parseArgs } from "node:util";
import { BUILTIN_TASKS } from "../datasets/index.js";
import { buildCorpus, ensureVenv, trainAdapter } from "../finetune/index.js";

const { values } = parseArgs({
  options: {
    base: { type: "string" },
    corpus: { type: "string" },
    steps: { type: "string", default: "3" },
    "max-length": { type: "string", default: "512" },
    "lora-r": { type: "string", default: "64" },
    threads: { type: "string", default: "2" },
    nice: { type: "string", default: "19" },
  },
});
const home = process.env.LINGUACODUS_HOME ?? join(homedir(), ".linguacodus");
const base = values.base ?? join(home, "models", "gemma3-270m-q4_k_m.gguf");
if (!existsSync(base)) throw new Error(`${base} not found (run .ci/default-model.sh, or pass --base)`);
const python = await ensureVenv({ dir: join(home, "venvs", "finetune"), log: (l) => console.error(l) });
const root = mkdtempSync(join(tmpdir(), "lc-perf-finetune-"));
let corpus = values.corpus;
if (!corpus) {
  const tasksDir = join(home, "tasks");
  const ids = BUILTIN_TASKS.map((t) => t.id).filter((id) => existsSync(join(tasksDir, id, "task.json")));
  corpus = join(root, "corpus");
  await buildCorpus({ from: [`builtin:${ids.join(",")}`], out: corpus, extractor: "static", tasksDir }, { createTeam: () => { throw new Error("static extractor"); } });
}

interface Measured {
  tokensPerSecond: number;
  secondsPerStep: number;
}

async function measure(gradientCheckpointing: boolean): Promise<Measured> {
  const steps = Number(values.steps);
  const { card } = await trainAdapter({
    corpus: corpus!,
    base,
    out: join(root, `adapter-gc${gradientCheckpointing ? 1 : 0}`),
    python,
    cacheDir: join(home, "cache", "finetune-bases"),
    hyperparameters: { maxSteps: steps, batchSize: 1, loggingSteps: 1, maxLength: Number(values["max-length"]), loraR: Number(values["lora-r"]), gradientCheckpointing },
    threads: Number(values.threads),
    nice: Number(values.nice),
  });
  return { tokensPerSecond: card.tokens_per_second ?? 0, secondsPerStep: card.seconds / card.steps };
}

const on = await measure(true);
const off = await measure(false);
console.log(`base ${base}, r ${values["lora-r"]}, max length ${values["max-length"]}, ${values.steps} steps of 1 sequence, ${values.threads} threads, nice ${values.nice}`);
console.log(`gradient checkpointing on:  ${on.tokensPerSecond.toFixed(1)} tokens/s, ${on.secondsPerStep.toFixed(1)} s/step`);
console.log(`gradient checkpointing off: ${off.tokensPerSecond.toFixed(1)} tokens/s, ${off.secondsPerStep.toFixed(1)} s/step`);
console.log(`ratio off/on (tokens/s): ${(off.tokensPerSecond / on.tokensPerSecond).toFixed(2)}`);
