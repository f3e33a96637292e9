// createAgentTeam: binds a model spec to each role, and is the single hook every model call passes through:
// transcripts, the onCall hook (metering), rate-limit retries, context-overflow errors and validated structured
// output live here. wrapTeamCalls is the one way to put something around every call of a team.
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { BaseMessage } from "@langchain/core/messages";
import {
  type CallParams,
  type ChatModelResolver,
  type ResolvedChatModel,
  fromChatModel,
  isResolvedChatModel,
  messageText,
  messageTokens,
  toLangChainMessages,
} from "./chat-model.js";
import { recordedStep } from "./call-step.js";
import { tokenCounter } from "./token-counter.js";
import { classifyFailure, errorMessage } from "./classify.js";
import {
  AgentError,
  ContextOverflowError,
  ModelSpecError,
  ProviderUnreachableError,
  RateLimitError,
  StructuredOutputError,
} from "./errors.js";
import { type JsonSchema, parseStructured, schemaInstruction, toJsonSchema } from "./json-schema.js";
import { type ProviderOptions, createProviderResolver, loadEnv } from "./providers/index.js";
import { secretsFromEnv } from "./providers/secrets.js";
import { parseModelSpec } from "./spec.js";
import { servedByOf } from "./providers/openai-pool.js";
import { type TranscriptLine, type TranscriptSink, hashPrompt, scrubSecrets, transcriptTurn } from "./transcript.js";
import { AGENT_ROLES, roleModelSpec } from "./types.js";
import type { AgentModel, AgentRole, AgentTeam, CallOptions, ChatTurn, RoleModels } from "./types.js";

/** Which model each role uses (defined with the roles in types.ts). */
export type { RoleModels } from "./types.js";

export interface RetryPolicy {
  /** Retries after a rate-limit answer (bounded). Default 3. */
  rateLimitRetries: number;
  /** First back-off delay; doubles per retry, capped by maxBackoffMs. Default 2000. */
  backoffMs: number;
  maxBackoffMs: number;
}

export interface AgentTeamOptions {
  models: RoleModels;
  runId?: string;
  /** Where completed calls are appended (createJsonlTranscriptSink for transcripts.jsonl). */
  transcript: TranscriptSink;
  /**
   * Turns a spec into a chat model. Default: the real providers (createProviderResolver(providers)).
   * Tests inject scripted chat models here; everything else stays the production path.
   */
  resolveChatModel?: ChatModelResolver;
  /** Options of the real providers (models folder, GGUF context size / GPU layers, .env file). */
  providers?: ProviderOptions;
  /** Parameters used when a call gives none. */
  defaults?: CallParams;
  retry?: Partial<RetryPolicy>;
  /** Secret values to scrub from transcripts besides the known key shapes (default: API keys in process.env). */
  secrets?: readonly string[];
  /** Called when the team closes, after every resolved model is closed (e.g. the provider resolver's close). */
  onClose?: () => Promise<void>;
  /**
   * Called after every provider call, successful or not, with the line just appended to the transcript (secrets
   * scrubbed): the one place metering (tokens per role and step, budgets) hooks in.
   */
  onCall?: CallHook;
}

/** Receives every completed model call of a team (its transcript line). */
export type CallHook = (call: TranscriptLine) => void;

/**
 * Runs every generate/generateStructured call of `team` through `around` (timing, concurrency slots, budgets),
 * keeping the AgentTeam interface; one wrapped model per role. `close` defaults to closing the inner team.
 */
export function wrapTeamCalls(
  team: AgentTeam,
  around: <T>(model: { role: AgentRole; spec: string }, options: CallOptions | undefined, call: () => Promise<T>) => Promise<T>,
  close: () => Promise<void> = () => team.close(),
): AgentTeam {
  const wrapped = new Map<AgentRole, AgentModel>();
  return {
    model(role: AgentRole): AgentModel {
      let model = wrapped.get(role);
      if (!model) {
        const inner = team.model(role);
        const self = { role: inner.role, spec: inner.spec };
        model = {
          ...self,
          generate: (messages: ChatTurn[], options?: CallOptions) => around(self, options, () => inner.generate(messages, options)),
          ...(inner.seesImages ? { seesImages: inner.seesImages.bind(inner) } : {}),
          generateStructured: <T>(messages: ChatTurn[], schema: z.ZodType<T>, options?: CallOptions) =>
            around(self, options, () => inner.generateStructured(messages, schema, options)),
        };
        wrapped.set(role, model);
      }
      return model;
    },
    close,
  };
}


const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function withInstruction(messages: readonly ChatTurn[], instruction: string): ChatTurn[] {
  const last = messages.at(-1);
  if (last?.role === "user") return [...messages.slice(0, -1), { role: "user", content: `${last.content}\n\n${instruction}` }];
  return [...messages, { role: "user", content: instruction }];
}

/** One answer of a provider, as the team reads it. */
interface Answer {
  text: string;
  /** The provider stopped at the token cap (finish reason "length" / MAX_TOKENS). */
  truncated: boolean;
  outputTokens: number | undefined;
}

/** Finish reasons meaning "stopped at the token cap": OpenAI and gguf ("length"), Gemini ("MAX_TOKENS"). */
export function isTruncated(message: BaseMessage): boolean {
  const meta = message.response_metadata as Record<string, unknown> | undefined;
  const reason = meta?.finish_reason ?? meta?.finishReason ?? meta?.stop_reason;
  return typeof reason === "string" && /^(length|max_tokens|MAX_TOKENS)$/.test(reason);
}

/** Why a structured answer failed: a cut answer is named as such (its JSON error is only the symptom). */
function structuredError(answer: Answer, parseError: string, params: CallParams): string {
  if (!answer.truncated) return parseError;
  const tokens = answer.outputTokens ?? params.maxTokens;
  return `truncated at ${tokens ?? "the cap of"} tokens (the answer reached the token cap before the JSON value was complete)`;
}

/** Longest answer shown back to the model in a retry; a longer or cut one would only crowd the context. */
const RETRY_ECHO_CHARS = 1500;

/**
 * The schema retry. A short invalid answer is shown back with the error (the model sees its mistake); a long or
 * truncated one is not: the error alone joins the last user message, so the prompt keeps its prefix (a local
 * model reuses it from cache) and cannot outgrow the context.
 */
export function retryPrompt(prompt: ChatTurn[], answer: string, error: string): ChatTurn[] {
  const again = "Answer again with only the corrected JSON value.";
  if (answer.length <= RETRY_ECHO_CHARS && !error.startsWith("truncated at")) {
    return [...prompt, { role: "assistant", content: answer }, { role: "user", content: `That answer does not validate: ${error}\n${again}` }];
  }
  const advice = error.startsWith("truncated at") ? " Keep every string short so the whole JSON value fits." : "";
  return withInstruction(prompt, `A previous answer to this did not validate: ${error}.${advice} ${again}`);
}

function where(role: AgentRole, step: string | undefined): string {
  return step ? `role "${role}", step "${step}"` : `role "${role}"`;
}

export function createAgentTeam(options: AgentTeamOptions): AgentTeam {
  const runId = options.runId ?? randomUUID();
  const retry: RetryPolicy = { rateLimitRetries: 3, backoffMs: 2000, maxBackoffMs: 30_000, ...options.retry };
  // Keys may come from .env as well as the environment: scrub both.
  const secrets =
    options.secrets ?? secretsFromEnv(loadEnv(options.providers?.envFile, options.providers?.env ?? process.env));
  // Check every spec now, so a typo fails before any model is loaded or called.
  for (const [role, spec] of Object.entries(options.models)) {
    if (spec === undefined) continue;
    try {
      parseModelSpec(spec);
    } catch (error) {
      throw new ModelSpecError(`Model for ${role}: ${errorMessage(error)}`);
    }
  }

  const providers = options.resolveChatModel ? undefined : createProviderResolver(options.providers);
  const resolveChatModel: ChatModelResolver = options.resolveChatModel ?? providers!.resolve;
  let callSeq = 0;
  let closed = false;
  const resolved = new Map<AgentRole, Promise<ResolvedChatModel>>();
  const agents = new Map<AgentRole, AgentModel>();

  function specFor(role: AgentRole): string {
    const spec = roleModelSpec(options.models, role);
    if (!spec) {
      throw new ModelSpecError(
        `No model configured for role "${role}": give it a spec, or a default for all roles (CLI: --model).`,
      );
    }
    return spec;
  }

  function chatFor(role: AgentRole, spec: string): Promise<ResolvedChatModel> {
    let pending = resolved.get(role);
    if (!pending) {
      pending = Promise.resolve(resolveChatModel(spec, role)).then((m: ResolvedChatModel | BaseChatModel) =>
        isResolvedChatModel(m) ? m : fromChatModel(m),
      );
      resolved.set(role, pending);
    }
    return pending;
  }

  const scrub = (text: string) => scrubSecrets(text, secrets);

  /** Every completed call: to the transcript first (durable), then to the hook. */
  function record(line: TranscriptLine): void {
    options.transcript.append(line);
    options.onCall?.(line);
  }

  /** One provider call: appended to the transcript whether it succeeds or fails. */
  async function callOnce(
    role: AgentRole,
    spec: string,
    messages: ChatTurn[],
    params: CallParams,
    step: string | undefined,
    attempt: number,
    jsonSchema: JsonSchema | undefined,
    onTokens: CallOptions["onTokens"],
  ): Promise<Answer> {
    if (closed) throw new AgentError(`The agent team of run ${runId} is closed; no more model calls.`);
    const callId = `${runId}-${String(++callSeq).padStart(5, "0")}`;
    const startedAt = new Date();
    const base: Omit<TranscriptLine, "response" | "tokens" | "latencyMs" | "error"> = {
      callId,
      runId,
      role,
      ...(step !== undefined ? { step } : {}),
      model: spec,
      kind: jsonSchema ? "structured" : "text",
      attempt,
      params,
      ...(jsonSchema ? { responseSchema: jsonSchema } : {}),
      messages: messages.map((m) => transcriptTurn(m, scrub)),
      promptHash: hashPrompt(messages),
      startedAt: startedAt.toISOString(),
    };
    let started = performance.now();
    try {
      const model = await chatFor(role, spec);
      // Latency is the model's answer time, not the one-off load of a local model.
      started = performance.now();
      const answer = await model
        .forCall(params, jsonSchema, { role, ...(step !== undefined ? { step } : {}) })
        .invoke(toLangChainMessages(messages), onTokens ? { callbacks: [tokenCounter(role, step, onTokens)] } : {});
      const text = messageText(answer);
      const servedBy = servedByOf(answer);
      record({
        ...base,
        response: scrub(text),
        tokens: messageTokens(answer),
        latencyMs: performance.now() - started,
        error: null,
        ...(servedBy ? { servedBy } : {}),
      });
      return { text, truncated: isTruncated(answer), outputTokens: messageTokens(answer)?.output };
    } catch (error) {
      const name = error instanceof Error ? error.name : "Error";
      record({ ...base, response: null, tokens: null, latencyMs: performance.now() - started, error: { name, message: scrub(errorMessage(error)) } });
      throw error;
    }
  }

  /** callOnce with bounded back-off on rate limits, and errors that say where they happened. */
  async function call(
    role: AgentRole,
    spec: string,
    messages: ChatTurn[],
    params: CallParams,
    step: string | undefined,
    firstAttempt: number,
    jsonSchema: JsonSchema | undefined,
    onTokens?: CallOptions["onTokens"],
  ): Promise<Answer & { attempts: number }> {
    for (let retryIndex = 0; ; retryIndex++) {
      try {
        const answer = await callOnce(role, spec, messages, params, step, firstAttempt + retryIndex, jsonSchema, onTokens);
        return { ...answer, attempts: retryIndex + 1 };
      } catch (error) {
        const kind = classifyFailure(error);
        if (kind === "rate-limit" && retryIndex < retry.rateLimitRetries) {
          await sleep(Math.min(retry.backoffMs * 2 ** retryIndex, retry.maxBackoffMs));
          continue;
        }
        const at = scrub(`${where(role, step)}, model ${spec}`);
        if (kind === "rate-limit") {
          throw new RateLimitError(
            `Rate limited (${at}) after ${retry.rateLimitRetries} retries with back-off: ${scrub(errorMessage(error))}. ` +
              "Wait and resume, lower --parallel, or raise the provider quota.",
            { cause: error },
          );
        }
        if (kind === "context-overflow") {
          const size = messages.reduce((n, m) => n + m.content.length, 0);
          throw new ContextOverflowError(
            `Prompt too long for the model's context (${at}; ${messages.length} messages, ${size} characters): ` +
              `${scrub(errorMessage(error))}. Shorten that prompt or use a model/context size that fits it.`,
            { cause: error },
          );
        }
        if (kind === "unreachable") {
          throw new ProviderUnreachableError(
            `Cannot reach the model server (${at}): ${scrub(errorMessage(error))}. ` +
              "Check that the server is running and the base URL is right, or that this machine is online.",
            { cause: error },
          );
        }
        // Provider errors may echo the key or the base URL's credentials: the message leaves the team redacted.
        if (error instanceof Error) error.message = scrub(error.message);
        throw error;
      }
    }
  }

  function paramsOf(callOptions: CallOptions | undefined): CallParams {
    const merged: CallParams = { ...options.defaults };
    if (callOptions?.temperature !== undefined) merged.temperature = callOptions.temperature;
    if (callOptions?.seed !== undefined) merged.seed = callOptions.seed;
    if (callOptions?.maxTokens !== undefined) merged.maxTokens = callOptions.maxTokens;
    return merged;
  }

  function agentFor(role: AgentRole): AgentModel {
    const spec = specFor(role);
    return {
      role,
      spec,
      seesImages: async () => (await chatFor(role, spec)).seesImages === true,
      async generate(messages, callOptions) {
        const { text } = await call(role, spec, messages, paramsOf(callOptions), recordedStep(callOptions), 1, undefined, callOptions?.onTokens);
        return text;
      },
      async generateStructured<T>(messages: ChatTurn[], schema: z.ZodType<T>, callOptions?: CallOptions): Promise<T> {
        const jsonSchema = toJsonSchema(schema);
        const params = paramsOf(callOptions);
        const step = recordedStep(callOptions);
        // The schema goes into the prompt for every provider, so the same prompt replays anywhere. It joins the
        // last user message rather than following it: Gemini rejects two user turns in a row.
        const prompt = withInstruction(messages, schemaInstruction(jsonSchema));
        const onTokens = callOptions?.onTokens;
        const first = await call(role, spec, prompt, params, step, 1, jsonSchema, onTokens);
        const firstParse = parseStructured(first.text, schema);
        if (firstParse.ok) return firstParse.value;
        const firstError = structuredError(first, firstParse.error, params);
        // One retry that tells the model its mistake (see retryPrompt: a long answer is not echoed back).
        const second = await call(role, spec, retryPrompt(prompt, first.text, firstError), params, step, 1 + first.attempts, jsonSchema, onTokens);
        const secondParse = parseStructured(second.text, schema);
        if (secondParse.ok) return secondParse.value;
        const shown = second.text.length > 300 ? `${second.text.slice(0, 300)}…` : second.text;
        throw new StructuredOutputError(
          `Structured output failed validation twice (${where(role, step)}, model ${spec}): ${structuredError(second, secondParse.error, params)}\n` +
            `Last response: ${JSON.stringify(shown)}`,
        );
      },
    };
  }

  return {
    model(role) {
      if (!AGENT_ROLES.includes(role)) throw new ModelSpecError(`Unknown role "${String(role)}"; roles: ${AGENT_ROLES.join(", ")}`);
      let agent = agents.get(role);
      if (!agent) {
        agent = agentFor(role);
        agents.set(role, agent);
      }
      return agent;
    },
    async close() {
      if (closed) return;
      closed = true;
      const models = new Set<ResolvedChatModel>();
      for (const pending of resolved.values()) {
        try {
          models.add(await pending);
        } catch {
          // A model that never resolved holds nothing to free.
        }
      }
      for (const model of models) await model.close?.();
      await providers?.close();
      await options.onClose?.();
    },
  };
}
