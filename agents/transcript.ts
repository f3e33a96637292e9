// transcripts.jsonl: one line per model call, appended as the call completes (DESIGN.md "Run record").
// The replay provider and the viewer read these lines back through TranscriptLineSchema.
import { createHash } from "node:crypto";
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { AGENT_ROLES } from "./types.js";
import { TokenCountsSchema } from "./tokens.js";
import type { ChatImage, ChatTurn } from "./types.js";

/** An image a turn showed the model, as the transcript keeps it: what it was, never its bytes. */
export const TranscriptImageSchema = z.object({
  name: z.string(),
  mimeType: z.string(),
  bytes: z.number().int().nonnegative(),
  /** sha256 of the image bytes (part of the prompt hash). */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
});

export const ChatTurnSchema = z.object({
  role: z.enum(["system", "user", "assistant"]),
  content: z.string(),
  images: z.array(TranscriptImageSchema).optional(),
});
export type TranscriptTurn = z.infer<typeof ChatTurnSchema>;

const imageSha = (image: ChatImage) => createHash("sha256").update(Buffer.from(image.data, "base64")).digest("hex");

/** A turn as the transcript records it: its images by name, size and hash (the text is scrubbed by the caller). */
export function transcriptTurn(turn: ChatTurn, scrub: (text: string) => string): TranscriptTurn {
  const images = turn.images?.map((image) => ({
    name: image.name,
    mimeType: image.mimeType,
    bytes: Buffer.from(image.data, "base64").length,
    sha256: imageSha(image),
    ...(image.width !== undefined ? { width: image.width } : {}),
    ...(image.height !== undefined ? { height: image.height } : {}),
  }));
  return { role: turn.role, content: scrub(turn.content), ...(images?.length ? { images } : {}) };
}

/** Which replica of a model pool answered a call (openai:<model>@<url1>|<url2>, --model-pool). */
export const ServedBySchema = z.object({
  /** Base URL of the replica that answered. */
  replica: z.string(),
  /** Replicas tried first that refused the connection, in order; the call was retried on the next. */
  skipped: z.array(z.object({ replica: z.string(), error: z.string() })).optional(),
});
export type ServedBy = z.infer<typeof ServedBySchema>;

export const TranscriptLineSchema = z.object({
  /** Unique per call (run id + sequence number). */
  callId: z.string().min(1),
  runId: z.string().min(1),
  role: z.enum(AGENT_ROLES),
  step: z.string().optional(),
  /** The model spec string, as given. */
  model: z.string().min(1),
  kind: z.enum(["text", "structured"]),
  /** 1 for the first try; the structured-output retry and rate-limit retries count up. */
  attempt: z.number().int().positive(),
  params: z.object({
    temperature: z.number().optional(),
    seed: z.number().int().optional(),
    maxTokens: z.number().int().positive().optional(),
  }),
  /** JSON schema the response had to follow (structured calls only). */
  responseSchema: z.record(z.string(), z.unknown()).optional(),
  messages: z.array(ChatTurnSchema),
  /** sha256 of the messages: what the replay provider matches on. */
  promptHash: z.string().regex(/^[0-9a-f]{64}$/),
  /** Full response text; null when the call failed. */
  response: z.string().nullable(),
  tokens: TokenCountsSchema.nullable(),
  startedAt: z.iso.datetime(),
  latencyMs: z.number().nonnegative(),
  error: z.object({ name: z.string(), message: z.string() }).nullable(),
  /** Set when a model pool served the call: the replica that answered. `model` stays the logical model. */
  servedBy: ServedBySchema.optional(),
});
export type TranscriptLine = z.infer<typeof TranscriptLineSchema>;

/** Where completed calls go. `append` must not return before the line is durable. */
export interface TranscriptSink {
  append(line: TranscriptLine): void;
}

/** sha256 over the role and content of each message, in order, and the hashes of its images when it has any. */
export function hashPrompt(messages: ReadonlyArray<ChatTurn | TranscriptTurn>): string {
  const sha = (image: ChatImage | z.infer<typeof TranscriptImageSchema>) => ("sha256" in image ? image.sha256 : imageSha(image));
  const canonical = JSON.stringify(messages.map((m) => (m.images?.length ? [m.role, m.content, m.images.map(sha)] : [m.role, m.content])));
  return createHash("sha256").update(canonical).digest("hex");
}

// Secrets: API keys of the known providers, and token-shaped values after "Authorization:" or "api_key=".
// Only token-shaped values are replaced, so code such as `api_key = os.environ["KEY"]` stays intact
// (transcripts must keep model answers exactly, for replay).
const KEY_SHAPES: RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{16,}/g, // OpenAI
  /\bAIza[0-9A-Za-z_-]{30,}/g, // Google
  /\bhf_[A-Za-z0-9]{20,}/g, // Hugging Face
];
const KEY_AFTER_LABEL =
  /(\b(?:Authorization|api[_-]?key|x-goog-api-key|access[_-]?token)["']?\s*[:=]\s*["']?(?:Bearer\s+)?)([A-Za-z0-9_\-.~+/=]{12,})/gi;
/** The password part of credentials inside a URL (scheme://user:password@host). */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@"']+:)([^\s/@"']+)(@)/gi;

/**
 * A secret as a hostile endpoint or script may echo it back: raw, base64 (standard and URL alphabets), hex (lower
 * and upper case) and URL-encoded. Base64 is taken at the three byte offsets the secret can have inside a longer
 * encoded text (e.g. `Bearer <key>` encoded whole), keeping only the characters the secret alone decides.
 */
export function encodedForms(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  const hex = bytes.toString("hex");
  const forms = [secret, hex, hex.toUpperCase(), encodeURIComponent(secret)];
  for (const offset of [0, 1, 2]) {
    const padded = Buffer.concat([Buffer.alloc(offset), bytes, Buffer.alloc(2)]);
    const from = Math.ceil((offset * 8) / 6);
    const to = Math.floor(((offset + bytes.length) * 8) / 6);
    for (const alphabet of ["base64", "base64url"] as const) forms.push(padded.toString(alphabet).slice(from, to));
  }
  return forms.filter((form) => form.length >= 8);
}

/**
 * Removes secrets from text: the exact values of the secrets the process holds (so a key with an unusual shape is
 * still caught) and their common encodings (encodedForms), known key shapes, token-shaped values after
 * Authorization / api_key labels, and URL passwords.
 * The one redaction function: transcripts, the run record's writer and run errors all go through it.
 */
export function scrubSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  // Longest first, so a secret that contains another is replaced whole.
  const forms = [...new Set(knownSecrets.filter((secret) => secret.length >= 8).flatMap(encodedForms))];
  for (const form of forms.sort((a, b) => b.length - a.length)) out = out.split(form).join("[REDACTED]");
  for (const shape of KEY_SHAPES) out = out.replace(shape, "[REDACTED]");
  out = out.replace(URL_PASSWORD, (_match, head: string, _password: string, at: string) => `${head}[REDACTED]${at}`);
  return out.replace(KEY_AFTER_LABEL, (_match, label: string) => `${label}[REDACTED]`);
}

/** Appends each line with a single write + fsync, so a crash leaves every completed call on disk. */
export function createJsonlTranscriptSink(filePath: string, knownSecrets: readonly string[] = []): TranscriptSink {
  return {
    append(line) {
      const checked = TranscriptLineSchema.parse(line);
      const text = scrubSecrets(JSON.stringify(checked), knownSecrets) + "\n";
      const fd = openSync(filePath, "a");
      try {
        writeSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
  };
}

/** In-memory sink (for callers that keep transcripts elsewhere, and for tests). */
export function createMemoryTranscriptSink(): TranscriptSink & { readonly lines: TranscriptLine[] } {
  const lines: TranscriptLine[] = [];
  return { lines, append: (line) => void lines.push(TranscriptLineSchema.parse(line)) };
}

/** The transcript's file name in a run folder (the run record's layout names it through this). */
export const TRANSCRIPT_FILE = "transcripts.jsonl";

/** Resolves a run directory or a transcripts.jsonl path to the file. */
export function transcriptFilePath(runDirOrFile: string): string {
  if (existsSync(runDirOrFile) && statSync(runDirOrFile).isDirectory()) return join(runDirOrFile, TRANSCRIPT_FILE);
  return runDirOrFile;
}

/** Reads and validates every line; errors name the file and line number. */
export function readTranscript(runDirOrFile: string): TranscriptLine[] {
  const file = transcriptFilePath(runDirOrFile);
  if (!existsSync(file)) throw new Error(`Transcript not found: ${file} (expected a run directory holding transcripts.jsonl, or the file itself)`);
  const lines: TranscriptLine[] = [];
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((text, index) => {
      if (text.trim() === "") return;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new Error(`${file}:${index + 1}: not valid JSON (a transcript line must be one JSON object)`);
      }
      const parsed = TranscriptLineSchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new Error(`${file}:${index + 1}: field "${issue?.path.join(".")}" ${issue?.message}`);
      }
      lines.push(parsed.data);
    });
  return lines;
}
