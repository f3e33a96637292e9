// Messages from the fork server (sandbox/fork_server.py) to the host, one JSON object per line.
import { z } from "zod";

const CapturedStream = z.object({
  head: z.string(),
  tail: z.string(),
  totalBytes: z.number().int().nonnegative(),
  droppedBytes: z.number().int().nonnegative(),
});
export type CapturedStream = z.infer<typeof CapturedStream>;

export const ServerMessageSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("ready"),
    pid: z.number().int(),
    preloaded: z.array(z.string()),
    failed: z.array(z.string()),
    importMs: z.number(),
    python: z.string(),
  }),
  z.object({ type: z.literal("pong"), id: z.string().nullable().optional() }),
  z.object({ type: z.literal("output"), id: z.string(), stream: z.enum(["stdout", "stderr"]), data: z.string() }),
  z.object({ type: z.literal("file"), id: z.string(), name: z.string(), append: z.boolean(), data: z.string() }),
  z.object({
    type: z.literal("result"),
    id: z.string(),
    exitCode: z.number().int().nullable(),
    signal: z.number().int().nullable(),
    oomKilled: z.boolean(),
    durationMs: z.number(),
    stdout: CapturedStream,
    stderr: CapturedStream,
    files: z.array(z.string()),
    skippedFiles: z.array(z.object({ name: z.string(), reason: z.string() })),
  }),
  /** After the result, once the attempt's traces are wiped and checked and the next attempt's process is forked. */
  z.object({
    type: z.literal("settled"),
    id: z.string(),
    /** False when leftovers (processes, files, IPC objects) survived: the container must not be reused. */
    clean: z.boolean(),
    /** What survived the clean-up, when something did (for the host's log). */
    leftovers: z.array(z.string()).optional(),
  }),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;
export type ReadyMessage = Extract<ServerMessage, { type: "ready" }>;
export type ResultMessage = Extract<ServerMessage, { type: "result" }>;
export type SettledMessage = Extract<ServerMessage, { type: "settled" }>;

export function parseServerMessage(line: string): ServerMessage {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new Error(`sandbox fork server sent a line that is not JSON: ${line.slice(0, 200)}`);
  }
  const parsed = ServerMessageSchema.safeParse(json);
  if (!parsed.success) throw new Error(`sandbox fork server sent an unexpected message: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Joins a captured stream's head and tail with a visible marker where the middle was dropped. */
export function joinCaptured(stream: CapturedStream): { text: string; truncated: boolean } {
  if (stream.droppedBytes === 0) return { text: stream.head + stream.tail, truncated: false };
  return { text: `${stream.head}${truncationMarker(stream.droppedBytes)}${stream.tail}`, truncated: true };
}

export function truncationMarker(droppedBytes: number): string {
  return `\n[... linguacodus sandbox: ${droppedBytes} bytes of output cut here ...]\n`;
}

/** A request to run one script. */
export interface RunMessage {
  type: "run";
  /** The attempt's nonce: every message of the attempt carries it; only the supervisor process sees it. */
  id: string;
  script: string;
  env: Record<string, string>;
  maxOutputBytes: number;
  maxCollectBytes: number;
  maxCollectFiles: number;
}
