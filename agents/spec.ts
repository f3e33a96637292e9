// Model spec strings (DESIGN.md "Agents and models"): one string names a model everywhere.
import { z } from "zod";
import { ModelSpecError } from "./errors.js";

export const VALID_SPEC_FORMS = [
  "gguf:<path.gguf>[+lora:<adapter.gguf>]",
  "gguf:hf:<owner>/<repo>/<file.gguf>[+lora:<adapter.gguf>]",
  "openai:<model>  or  openai:<model>@<baseURL>  or  openai:<model>@<url1>|<url2>|… (a pool of replicas)",
  "gemini:<model>  or  gemini:<model>@<baseURL>",
  "replay:<run-dir or transcripts.jsonl>",
] as const;

/** The provider prefixes, in the order of VALID_SPEC_FORMS. */
export const MODEL_PROVIDERS = ["gguf", "openai", "gemini", "replay"] as const;
export type ModelProvider = (typeof MODEL_PROVIDERS)[number];

const nonEmpty = (what: string) => z.string().trim().min(1, `${what} is empty`);

export const GgufSpecSchema = z.object({
  provider: z.literal("gguf"),
  source: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("file"), path: nonEmpty("model path") }),
    z.object({
      kind: z.literal("hf"),
      owner: nonEmpty("Hugging Face owner"),
      repo: nonEmpty("Hugging Face repo"),
      file: nonEmpty("Hugging Face file"),
    }),
  ]),
  lora: nonEmpty("LoRA adapter path").optional(),
});
export const OpenAiSpecSchema = z.object({
  provider: z.literal("openai"),
  model: nonEmpty("model name"),
  baseURL: z.url({ protocol: /^https?$/, error: "baseURL must be an http(s) URL" }).optional(),
  /**
   * A pool: one logical model served by several replicas (baseURL is the first). Each call goes to the replica
   * with the fewest calls in flight.
   */
  replicas: z.array(z.url({ protocol: /^https?$/, error: "every replica must be an http(s) URL" })).min(2).optional(),
});
export const GeminiSpecSchema = z.object({
  provider: z.literal("gemini"),
  model: nonEmpty("model name"),
  /** A server speaking Gemini's REST protocol (a gateway or proxy); default Google's. */
  baseURL: z.url({ protocol: /^https?$/, error: "baseURL must be an http(s) URL" }).optional(),
});
export const ReplaySpecSchema = z.object({ provider: z.literal("replay"), path: nonEmpty("replay path") });

export const ModelSpecSchema = z.discriminatedUnion("provider", [
  GgufSpecSchema,
  OpenAiSpecSchema,
  GeminiSpecSchema,
  ReplaySpecSchema,
]);
export type ModelSpec = z.infer<typeof ModelSpecSchema>;
export type GgufSpec = z.infer<typeof GgufSpecSchema>;
export type OpenAiSpec = z.infer<typeof OpenAiSpecSchema>;
export type GeminiSpec = z.infer<typeof GeminiSpecSchema>;
export type ReplaySpec = z.infer<typeof ReplaySpecSchema>;

function specError(spec: string, reason: string): ModelSpecError {
  return new ModelSpecError(
    `Invalid model spec "${spec}": ${reason}. Valid forms: ${VALID_SPEC_FORMS.join(" | ")}`,
  );
}

function splitGguf(rest: string): Record<string, unknown> {
  const loraAt = rest.indexOf("+lora:");
  const model = loraAt === -1 ? rest : rest.slice(0, loraAt);
  const lora = loraAt === -1 ? undefined : rest.slice(loraAt + "+lora:".length);
  if (model.startsWith("hf:")) {
    const parts = model.slice(3).split("/");
    // owner/repo/file — the file may sit in a sub-folder of the repo.
    const [owner, repo, ...file] = parts;
    return { provider: "gguf", source: { kind: "hf", owner, repo, file: file.join("/") }, lora };
  }
  return { provider: "gguf", source: { kind: "file", path: model }, lora };
}

/** `<model>@<baseURL>`: model names never contain "@http", so the first "@" before a scheme separates the URL. */
function splitAtUrl(rest: string): { model: string; url?: string } {
  const at = rest.search(/@https?:\/\//);
  return at === -1 ? { model: rest } : { model: rest.slice(0, at), url: rest.slice(at + 1) };
}

function splitGemini(rest: string): Record<string, unknown> {
  const { model, url } = splitAtUrl(rest);
  return { provider: "gemini", model, ...(url === undefined ? {} : { baseURL: url }) };
}

function splitOpenAi(rest: string): Record<string, unknown> {
  const at = rest.search(/@https?:\/\//);
  if (at === -1) return { provider: "openai", model: rest };
  const urls = rest.slice(at + 1).split("|").map((u) => u.trim());
  if (urls.length === 1) return { provider: "openai", model: rest.slice(0, at), baseURL: urls[0] };
  return { provider: "openai", model: rest.slice(0, at), baseURL: urls[0], replicas: urls };
}

function splitPrefix(spec: string): { colon: number; prefix: string; rest: string } {
  const colon = spec.indexOf(":");
  return { colon, prefix: colon === -1 ? "" : spec.slice(0, colon), rest: spec.slice(colon + 1) };
}

/** The provider a spec names by its prefix, without checking the rest; undefined when there is no known prefix. */
export function specProvider(spec: string): ModelProvider | undefined {
  const { prefix } = splitPrefix(spec);
  return (MODEL_PROVIDERS as readonly string[]).includes(prefix) ? (prefix as ModelProvider) : undefined;
}

/** The recording a valid `replay:` spec points at; undefined for any other (or an invalid) spec. */
export function replayPathOf(spec: string): string | undefined {
  if (specProvider(spec) !== "replay") return undefined;
  try {
    const parsed = parseModelSpec(spec);
    return parsed.provider === "replay" ? parsed.path : undefined;
  } catch {
    return undefined;
  }
}

/** Parses a model spec string; throws ModelSpecError naming the valid forms. */
export function parseModelSpec(spec: string): ModelSpec {
  const { colon, prefix, rest } = splitPrefix(spec);
  let raw: Record<string, unknown>;
  switch (prefix) {
    case "gguf":
      raw = splitGguf(rest);
      break;
    case "openai":
      raw = splitOpenAi(rest);
      break;
    case "gemini":
      raw = splitGemini(rest);
      break;
    case "replay":
      raw = { provider: "replay", path: rest };
      break;
    default:
      throw specError(spec, colon === -1 ? "no provider prefix" : `unknown provider prefix "${prefix}:"`);
  }
  const parsed = ModelSpecSchema.safeParse(raw);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((i) => i.message).join("; ");
    throw specError(spec, reason);
  }
  return parsed.data;
}

/** The canonical string of a parsed spec (round-trips with parseModelSpec). */
export function formatModelSpec(spec: ModelSpec): string {
  switch (spec.provider) {
    case "gguf": {
      const model =
        spec.source.kind === "file" ? spec.source.path : `hf:${spec.source.owner}/${spec.source.repo}/${spec.source.file}`;
      return `gguf:${model}${spec.lora ? `+lora:${spec.lora}` : ""}`;
    }
    case "openai":
      return `openai:${spec.model}${spec.replicas ? `@${spec.replicas.join("|")}` : spec.baseURL ? `@${spec.baseURL}` : ""}`;
    case "gemini":
      return `gemini:${spec.model}${spec.baseURL ? `@${spec.baseURL}` : ""}`;
    case "replay":
      return `replay:${spec.path}`;
  }
}
