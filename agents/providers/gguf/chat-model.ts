// The LangChain adapter over a loaded GGUF: `jsonSchema` in the call options switches on the JSON grammar, new
// tokens reach LangChain's handleLLMNewToken callbacks (live progress), and an answer cut by the token cap says so
// in response_metadata.finish_reason ("length", as OpenAI reports it).
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { AIMessage } from "@langchain/core/messages";
import type { BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import type { ChatHistoryItem } from "node-llama-cpp";
import { type AgentChatCallOptions, fromLangChainMessages } from "../../chat-model.js";
import type { LoadedGgufModel } from "./loaded-model.js";

function toChatHistory(messages: BaseMessage[]): ChatHistoryItem[] {
  return fromLangChainMessages(messages).map((turn): ChatHistoryItem => {
    if (turn.role === "system") return { type: "system", text: turn.content };
    if (turn.role === "user") return { type: "user", text: turn.content };
    return { type: "model", response: [turn.content] };
  });
}

export class LlamaCppChatModel extends BaseChatModel<AgentChatCallOptions> {
  constructor(private readonly loaded: LoadedGgufModel) {
    super({});
  }

  override _llmType(): string {
    return "node-llama-cpp";
  }

  override async _generate(messages: BaseMessage[], options: this["ParsedCallOptions"], runManager?: CallbackManagerForLLMRun): Promise<ChatResult> {
    const result = await this.loaded.generate({
      history: toChatHistory(messages),
      ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}),
      ...(options.jsonSchema ? { jsonSchema: options.jsonSchema } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(runManager ? { onTokens: (text: string) => void runManager.handleLLMNewToken(text) } : {}),
    });
    const message = new AIMessage({
      content: result.text,
      usage_metadata: {
        input_tokens: result.inputTokens,
        output_tokens: result.outputTokens,
        total_tokens: result.inputTokens + result.outputTokens,
        input_token_details: { cache_read: result.inputTokens - result.evaluatedInputTokens },
      },
      response_metadata: {
        finish_reason: result.truncated ? "length" : "stop",
        prompt_ms: result.promptMs,
        generation_ms: result.generationMs,
      },
    });
    return { generations: [{ text: result.text, message }] };
  }
}
