// gemini: @langchain/google-genai; key from GEMINI_API_KEY or GOOGLE_API_KEY.
import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import { type Runnable, type RunnableConfig, RunnableLambda } from "@langchain/core/runnables";
import type { ChatGoogleGenerativeAI } from "@langchain/google-genai";
import { type CallParams, clientPerCallParams, type ResolvedChatModel } from "../chat-model.js";
import { MissingApiKeyError } from "../errors.js";
import type { JsonSchema } from "../json-schema.js";
import type { GeminiSpec } from "../spec.js";
import { type Env, firstKey } from "./env.js";

export interface GeminiOptions {
  /** Stream the answer (streamGenerateContent over SSE); it is still returned whole. Default false. */
  streaming?: boolean;
}

export async function resolveGemini(spec: GeminiSpec, env: Env, options: GeminiOptions = {}): Promise<ResolvedChatModel> {
  const key = firstKey(env, ["GEMINI_API_KEY", "GOOGLE_API_KEY"]);
  if (!key) {
    throw new MissingApiKeyError(
      `GEMINI_API_KEY (or GOOGLE_API_KEY) is not set (needed by gemini:${spec.model}): export it or add it to .env.`,
    );
  }
  const { ChatGoogleGenerativeAI } = await import("@langchain/google-genai");
  const clientFor = clientPerCallParams(
    (params): ChatGoogleGenerativeAI =>
      new ChatGoogleGenerativeAI({
        model: spec.model,
        apiKey: key,
        ...(spec.baseURL ? { baseUrl: spec.baseURL } : {}),
        streaming: options.streaming ?? false,
        ...(params.temperature !== undefined ? { temperature: params.temperature } : {}),
        ...(params.maxTokens !== undefined ? { maxOutputTokens: params.maxTokens } : {}),
        maxRetries: 0,
      }),
  );
  return {
    // The client converts image_url parts to inline data, but refuses them for a model it does not know as
    // multimodal (by name: gemini-1.5/2/3, gemma-3 but 1b, *vision*): its own rule decides, text only when unknown.
    seesImages: (clientFor({}) as unknown as { _isMultimodalModel?: boolean })._isMultimodalModel === true,
    forCall(params: CallParams, jsonSchema?: JsonSchema): Runnable<BaseMessage[], BaseMessage> {
      const client = clientFor(params);
      if (!jsonSchema) return client;
      const structured = client.withStructuredOutput(jsonSchema, { method: "jsonSchema", includeRaw: true });
      const raw = structured.pipe(RunnableLambda.from((out: { raw: BaseMessage }) => out.raw));
      return RunnableLambda.from((messages: BaseMessage[], config?: RunnableConfig) => raw.invoke(messages, config).catch(cutBeforeAnyText));
    },
  };
}

/**
 * Gemini answers "no content, finish reason MAX_TOKENS" when the cap is reached before any text (a thinking model
 * can spend it all): that is an empty answer cut at the cap, which the team names and retries as for any provider.
 */
function cutBeforeAnyText(error: unknown): BaseMessage {
  const empty = error as { name?: string; finishReason?: string };
  if (empty?.name === "EmptyContentError" && empty.finishReason === "MAX_TOKENS") return new AIMessage({ content: "", response_metadata: { finishReason: "MAX_TOKENS" } });
  throw error;
}
