// A model pool: one logical OpenAI-protocol model served by several replicas (vLLM / llama.cpp servers).
// Each call goes to the replica with the fewest calls in flight; a replica that refuses connections is skipped
// for a while and the call is retried on another. Which replica answered (and which were skipped) rides on the
// answer's response_metadata, so the team can write it into the transcript.
import { readJsonFile } from "../../core/index.js";
import type { BaseMessage } from "@langchain/core/messages";
import { type Runnable, type RunnableConfig, RunnableLambda } from "@langchain/core/runnables";
import { z } from "zod";
import type { CallParams, ResolvedChatModel } from "../chat-model.js";
import type { JsonSchema } from "../json-schema.js";
import { ServedBySchema, type ServedBy } from "../transcript.js";

/** Key of response_metadata that carries the replica record. */
export const REPLICA_METADATA_KEY = "linguacodus_replica";


/** The replica record of an answer, when a pool served it. */
export function servedByOf(message: BaseMessage): ServedBy | undefined {
  const raw = (message.response_metadata as Record<string, unknown> | undefined)?.[REPLICA_METADATA_KEY];
  const parsed = ServedBySchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

/** `--model-pool <file.json>`: `{ "<model>": ["http://host-a:8000/v1", "http://host-b:8000/v1"] }`. */
export const ModelPoolFileSchema = z.record(
  z.string().min(1),
  z.array(z.url({ protocol: /^https?$/, error: "every replica must be an http(s) URL" })).min(1, "give at least one replica URL"),
);
export type ModelPools = z.infer<typeof ModelPoolFileSchema>;

/** Reads a pool file; errors name the file and the field. */
export function readModelPoolFile(path: string): ModelPools {
  return readJsonFile(path, ModelPoolFileSchema, {
    hint: 'expected {"<model>": ["http://host:port/v1", …]}',
    toError: (message) => new Error(`model pool file ${message}`),
  });
}

/** A refused or dropped connection: the replica is down, the request never got an answer, so retry elsewhere. */
export function isReplicaUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 6; depth++) {
    const record = current as Record<string, unknown>;
    const text = `${String(record.code ?? "")} ${String(record.message ?? "")}`;
    if (/ECONNREFUSED|ECONNRESET|EPIPE|socket hang up|other side closed|UND_ERR_SOCKET/i.test(text)) return true;
    current = record.cause;
  }
  return false;
}

interface Replica {
  url: string;
  model: ResolvedChatModel;
  inFlight: number;
  calls: number;
  /** Epoch ms until which the replica is skipped after a refused connection. */
  downUntil: number;
}

export interface PoolOptions {
  /** How long a replica that refused a connection is skipped. Default 30 s. */
  skipMs?: number;
  now?: () => number;
}

/** The least-in-flight choice among replicas that are up; all down → the one that comes back first. */
export function pickReplica<T extends { inFlight: number; calls: number; downUntil: number }>(replicas: readonly T[], now: number, exclude: ReadonlySet<T> = new Set()): T | undefined {
  const candidates = replicas.filter((r) => !exclude.has(r));
  const up = candidates.filter((r) => r.downUntil <= now);
  const pool = up.length ? up : [...candidates].sort((a, b) => a.downUntil - b.downUntil).slice(0, 1);
  let best: T | undefined;
  for (const r of pool) if (!best || r.inFlight < best.inFlight || (r.inFlight === best.inFlight && r.calls < best.calls)) best = r;
  return best;
}

/** One ResolvedChatModel over several replicas of the same model. */
export function replicaPool(replicas: readonly { url: string; model: ResolvedChatModel }[], options: PoolOptions = {}): ResolvedChatModel {
  const skipMs = options.skipMs ?? 30_000;
  const now = options.now ?? Date.now;
  const state: Replica[] = replicas.map((r) => ({ ...r, inFlight: 0, calls: 0, downUntil: 0 }));
  return {
    seesImages: replicas.every((r) => r.model.seesImages === true),
    forCall(params: CallParams, jsonSchema?: JsonSchema): Runnable<BaseMessage[], BaseMessage> {
      return RunnableLambda.from(async (messages: BaseMessage[], config?: RunnableConfig): Promise<BaseMessage> => {
        const tried = new Set<Replica>();
        const skipped: { replica: string; error: string }[] = [];
        for (;;) {
          const replica = pickReplica(state, now(), tried);
          if (!replica) throw new Error(`every replica of the pool refused the connection: ${skipped.map((s) => `${s.replica} (${s.error})`).join(", ")}`);
          tried.add(replica);
          replica.inFlight += 1;
          replica.calls += 1;
          try {
            const answer = await replica.model.forCall(params, jsonSchema).invoke(messages, config);
            replica.downUntil = 0;
            const servedBy: ServedBy = { replica: replica.url, ...(skipped.length ? { skipped } : {}) };
            answer.response_metadata = { ...answer.response_metadata, [REPLICA_METADATA_KEY]: servedBy };
            return answer;
          } catch (error) {
            if (!isReplicaUnavailable(error)) throw error;
            replica.downUntil = now() + skipMs;
            skipped.push({ replica: replica.url, error: (error as Error).message.split("\n")[0] ?? "unavailable" });
          } finally {
            replica.inFlight -= 1;
          }
        }
      });
    },
    async close() {
      await Promise.all(state.map((r) => r.model.close?.()));
    },
  };
}
