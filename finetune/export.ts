// `finetune export`: the PEFT adapter → llama.cpp's LoRA adapter GGUF (finetune/python/export.py, which checks
// every tensor against the base), then base + adapter loaded in node-llama-cpp through the agents' gguf provider,
// one greedy generation with and without it, and the model spec to use.
import { existsSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { AgentTeam } from "../agents/index.js";
import { callStep } from "../agents/index.js";
import { paperPlannerMessages } from "../instructions/index.js";
import { readCorpus } from "./corpus.js";
import { type AdapterSidecar, adapterSpec, sidecarPath } from "./adapter.js";
import { runRecipe } from "./python.js";
import { readAdapterCard } from "./train.js";
import type { RecipeEvent } from "./schema.js";

export interface ExportOptions {
  adapter: string;
  base: string;
  out: string;
  python: string;
  onEvent?: (event: RecipeEvent) => void;
}

export interface ExportResult {
  adapterGguf: string;
  architecture: string;
  tensors: number;
  /** The spec that runs the fine-tuned planner: gguf:<base>+lora:<adapter.gguf>. */
  spec: string;
}


export async function exportAdapter(options: ExportOptions): Promise<ExportResult> {
  const { done } = await runRecipe({
    python: options.python,
    script: "export.py",
    args: ["--adapter", resolve(options.adapter), "--base", resolve(options.base), "--out", resolve(options.out)],
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  // The sidecar keeps which corpus trained the adapter, so eval can refuse tasks it was trained on.
  if (existsSync(join(options.adapter, "adapter_card.json"))) {
    const card = readAdapterCard(options.adapter);
    const corpusDir = card.corpus.dir;
    const competitions = existsSync(join(corpusDir, "corpus.json")) ? [...new Set(readCorpus(corpusDir).pairs.map((p) => p.competition))] : [];
    const sidecar: AdapterSidecar = {
      kind: "linguacodus-adapter-gguf",
      base: resolve(options.base),
      adapterDir: resolve(options.adapter),
      corpusDir,
      competitions,
      card,
      promptTemplate: card.prompt_template ?? null,
    };
    writeFileSync(sidecarPath(options.out), `${JSON.stringify(sidecar, null, 2)}\n`);
  }
  return {
    adapterGguf: resolve(options.out),
    architecture: String(done.architecture),
    tensors: Number(done.tensors),
    spec: adapterSpec(options.base, options.out),
  };
}

export interface LoadCheck {
  spec: string;
  prompt: string;
  base: string;
  adapted: string;
  /** Greedy outputs differ: the adapter changes the model. */
  differs: boolean;
}

/** A sample task for the load check (any text works; this one is in the planner's own format). */
const CHECK_PROMPT = paperPlannerMessages({
  description: "Predict the sale price of houses from their size, location and age.",
  dataType: "tabular",
  metricName: "rmse",
  lowerIsBetter: true,
  rank: 1,
});

/**
 * Greedy generation with the base alone and with base + adapter. `createTeam(spec)` gives an agent team whose
 * planner is `spec` (the CLI's real providers, so the adapter is loaded by node-llama-cpp as a run would).
 */
export async function checkAdapterLoads(
  base: string,
  adapterGguf: string,
  createTeam: (spec: string) => AgentTeam | Promise<AgentTeam>,
  maxTokens = 48,
): Promise<LoadCheck> {
  const spec = adapterSpec(base, adapterGguf);
  const generate = async (which: string) => {
    const team = await createTeam(which);
    try {
      return await team.model("planner").generate(CHECK_PROMPT, { temperature: 0, seed: 0, maxTokens, step: callStep.adapterCheck().step });
    } finally {
      await team.close();
    }
  };
  const baseText = await generate(`gguf:${resolve(base)}`);
  const adapted = await generate(spec);
  return { spec, prompt: CHECK_PROMPT[0]!.content, base: baseText, adapted, differs: baseText !== adapted };
}
