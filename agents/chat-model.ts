// The seam between the team (transcripts, retries, structured output) and the providers (LangChain chat models).
import type { BaseChatModel, BaseChatModelCallOptions } from "@langchain/core/language_models/chat_models";
import { AIMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import type { BaseMessage } from "@langchain/core/messages";
import type { Runnable } from "@langchain/core/runnables";
import type { JsonSchema } from "./json-schema.js";
import type { AgentRole, ChatImage, ChatTurn } from "./types.js";
import type { TokenCounts } from "./tokens.js";

/** Generation parameters of one call (recorded in the transcript). */
export interface CallParams {
  temperature?: number;
  seed?: number;
  maxTokens?: number;
}

/**
 * Call options understood by the chat models this project defines (GGUF, scripted test models):
 * per-call parameters, and a JSON schema the answer must follow.
 */
export interface AgentChatCallOptions extends BaseChatModelCallOptions, CallParams, Partial<CallContext> {
  jsonSchema?: JsonSchema;
}

/** Who is calling: the role and the step inside it (not generation parameters; never part of a client's identity). */
export interface CallContext {
  role: AgentRole;
  step?: string;
}

/** A provider's chat model, ready to answer calls. */
export interface ResolvedChatModel {
  /**
   * A runnable that answers one call with these parameters. With `jsonSchema`, the answer is constrained to it
   * where the provider can (GGUF grammar, API structured output); the team validates it either way.
   */
  forCall(params: CallParams, jsonSchema?: JsonSchema, context?: CallContext): Runnable<BaseMessage[], BaseMessage>;
  /** The model reads images in user turns (the API providers); absent or false: text only (gguf, scripted models). */
  seesImages?: boolean;
  /** Frees what the model holds (a loaded GGUF). Called once by the team's close(). */
  close?(): Promise<void>;
}

/**
 * Turns a spec into a chat model for one role. Tests inject one that returns a scripted BaseChatModel;
 * a plain BaseChatModel receives the per-call parameters and schema as call options (AgentChatCallOptions).
 */
export type ChatModelResolver = (
  spec: string,
  role: AgentRole,
) => Promise<ResolvedChatModel | BaseChatModel> | ResolvedChatModel | BaseChatModel;

/** Wraps any LangChain chat model so per-call parameters travel as call options. */
export function fromChatModel(chat: BaseChatModel): ResolvedChatModel {
  return {
    forCall(params, jsonSchema, context) {
      const options: Partial<AgentChatCallOptions> = { ...params, ...context };
      if (jsonSchema) options.jsonSchema = jsonSchema;
      return chat.withConfig(options as Partial<BaseChatModelCallOptions>);
    },
  };
}

export function isResolvedChatModel(value: ResolvedChatModel | BaseChatModel): value is ResolvedChatModel {
  return typeof (value as Partial<ResolvedChatModel>).forCall === "function";
}

export function toLangChainMessages(turns: readonly ChatTurn[]): BaseMessage[] {
  return turns.map((turn) => {
    switch (turn.role) {
      case "system":
        return new SystemMessage(turn.content);
      case "user":
        return new HumanMessage(turn.images?.length ? { content: [{ type: "text", text: turn.content }, ...turn.images.map(imagePart)] } : turn.content);
      case "assistant":
        return new AIMessage(turn.content);
    }
  });
}

// An image as an OpenAI-compatible `image_url` part with a data URL; @langchain/google-genai turns the same part
// into Gemini's inline data, so one shape serves both providers.
function imagePart(image: ChatImage) {
  return { type: "image_url" as const, image_url: { url: `data:${image.mimeType};base64,${image.data}` } };
}

const DATA_URL = /^data:(image\/(?:png|jpeg));base64,(.*)$/s;

/** The images of a message's `image_url` parts (names are not carried by LangChain: image-<n>). */
function messageImages(message: BaseMessage): ChatImage[] {
  if (typeof message.content === "string") return [];
  const images: ChatImage[] = [];
  for (const part of message.content) {
    if (typeof part === "string" || part.type !== "image_url") continue;
    const url = typeof part.image_url === "string" ? part.image_url : (part.image_url as { url?: string } | undefined)?.url;
    const match = DATA_URL.exec(url ?? "");
    if (match) images.push({ name: `image-${images.length + 1}`, mimeType: match[1] as ChatImage["mimeType"], data: match[2]! });
  }
  return images;
}

export function fromLangChainMessages(messages: readonly BaseMessage[]): ChatTurn[] {
  return messages.map((message) => {
    const type = message.getType();
    const role = type === "system" ? "system" : type === "ai" ? "assistant" : "user";
    const images = messageImages(message);
    return { role, content: messageText(message), ...(images.length ? { images } : {}) };
  });
}

/** The text of a message, whether its content is a string or a list of parts. */
export function messageText(message: BaseMessage): string {
  const content = message.content;
  if (typeof content === "string") return content;
  return content
    .map((part) => (typeof part === "string" ? part : part.type === "text" && typeof part.text === "string" ? part.text : ""))
    .join("");
}

/** Token counts reported by the provider, if any. */
export function messageTokens(message: BaseMessage): TokenCounts | null {
  const usage = (message as AIMessage).usage_metadata;
  if (!usage) return null;
  const cached = usage.input_token_details?.cache_read;
  return { input: usage.input_tokens, output: usage.output_tokens, ...(cached !== undefined ? { cached } : {}) };
}

/**
 * API clients fix temperature and max tokens at construction: one client per distinct pair, made on first use.
 * Shared by the API providers so each builds only its own client.
 */
export function clientPerCallParams<T>(make: (params: CallParams) => T): (params: CallParams) => T {
  const clients = new Map<string, T>();
  return (params) => {
    const key = JSON.stringify([params.temperature, params.maxTokens]);
    let client = clients.get(key);
    if (client === undefined) {
      client = make(params);
      clients.set(key, client);
    }
    return client;
  };
}
