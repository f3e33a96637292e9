// Checks, before a bench starts, that every model spec can load: files exist, API keys are set.
// Loading a GGUF or calling an API here would cost minutes or money; what can be checked cheaply is.
import { existsSync } from "node:fs";
import { parseModelSpec } from "../agents/index.js";

/** Problems that would make a spec fail to load, one line each naming the spec and the fix. */
export function preflightSpec(spec: string, env: Record<string, string | undefined>, pooledModels: ReadonlySet<string> = new Set()): string[] {
  let parsed;
  try {
    parsed = parseModelSpec(spec);
  } catch (error) {
    return [(error as Error).message];
  }
  const problems: string[] = [];
  switch (parsed.provider) {
    case "gguf":
      if (parsed.source.kind === "file" && !existsSync(parsed.source.path))
        problems.push(`model spec '${spec}': file ${parsed.source.path} does not exist (download the GGUF or fix the path)`);
      if (parsed.lora && !existsSync(parsed.lora)) problems.push(`model spec '${spec}': LoRA adapter ${parsed.lora} does not exist`);
      break;
    case "replay":
      if (!existsSync(parsed.path)) problems.push(`model spec '${spec}': ${parsed.path} does not exist (give a run folder or transcripts.jsonl)`);
      break;
    case "openai":
      // A custom base URL (vLLM, Ollama, llama.cpp server) usually needs no key.
      // So does a model served by a pool (--model-pool).
      if (!parsed.baseURL && !pooledModels.has(parsed.model) && !env.OPENAI_API_KEY) problems.push(`model spec '${spec}': set OPENAI_API_KEY in the environment or .env`);
      break;
    case "gemini":
      if (!env.GEMINI_API_KEY && !env.GOOGLE_API_KEY) problems.push(`model spec '${spec}': set GEMINI_API_KEY (or GOOGLE_API_KEY) in the environment or .env`);
      break;
  }
  return problems;
}

export function preflightSpecs(specs: Iterable<string>, env: Record<string, string | undefined>, pooledModels: ReadonlySet<string> = new Set()): string[] {
  return [...new Set(specs)].flatMap((spec) => preflightSpec(spec, env, pooledModels));
}
