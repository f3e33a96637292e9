// The exported adapter: the model spec that runs it, and its sidecar (<adapter.gguf>.json) naming the corpus.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { PaperPromptTemplateSchema } from "../instructions/index.js";

/** The spec that runs the fine-tuned planner: gguf:<base>+lora:<adapter.gguf>. */
export function adapterSpec(base: string, adapterGguf: string): string {
  return `gguf:${resolve(base)}+lora:${resolve(adapterGguf)}`;
}

/** `<adapter.gguf>.json`, written by export next to the adapter: which corpus it was trained on. */
export const AdapterSidecarSchema = z.object({
  kind: z.literal("linguacodus-adapter-gguf"),
  base: z.string(),
  adapterDir: z.string(),
  corpusDir: z.string(),
  competitions: z.array(z.string()),
  card: z.record(z.string(), z.unknown()),
  /** The prompt the adapter was trained with (from its card); `--planner-prompt paper` asks it with this. */
  promptTemplate: PaperPromptTemplateSchema.nullable().optional(),
});
export type AdapterSidecar = z.infer<typeof AdapterSidecarSchema>;

export const sidecarPath = (adapterGguf: string) => `${resolve(adapterGguf)}.json`;

export function readSidecar(adapterGguf: string): AdapterSidecar | undefined {
  const path = sidecarPath(adapterGguf);
  if (!existsSync(path)) return undefined;
  return AdapterSidecarSchema.parse(JSON.parse(readFileSync(path, "utf8")));
}

