// A LangChain chat model for tests only: answers with a function of the messages, and can fail or delay on demand.
// Pass it through createAgentTeam's `resolveChatModel` so transcripts, structured output and retries stay real.
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage } from "@langchain/core/messages";
import type { BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import type { AgentChatCallOptions, ChatTurn } from "../../agents/index.js";
import { fromLangChainMessages } from "../../agents/index.js";

/** What the script sees for each call. */
export interface ScriptedCall {
  /** 0-based index of this call on this model instance. */
  index: number;
  messages: ChatTurn[];
  /** The last user message (usually what the script keys on). */
  lastUser: string;
  /** The whole prompt as one string, for `includes` checks. */
  promptText: string;
  options: Pick<AgentChatCallOptions, "temperature" | "seed" | "maxTokens" | "jsonSchema">;
  /** The agent role and step of the call, as the team passes them (undefined outside a team). */
  role?: AgentChatCallOptions["role"];
  step?: string;
}

/**
 * A scripted answer: plain text, or an instruction to fail (an Error to throw, e.g. one with `status: 429`)
 * and/or to take `delayMs` before answering.
 */
export type ScriptedAnswer = string | { text?: string; error?: Error; delayMs?: number };

export type Script = (call: ScriptedCall) => ScriptedAnswer | Promise<ScriptedAnswer>;

export class ScriptedChatModel extends BaseChatModel<AgentChatCallOptions> {
  /** Every call received, in order (for assertions). */
  readonly calls: ScriptedCall[] = [];
  private readonly script: Script;

  constructor(script: Script) {
    super({});
    this.script = script;
  }

  override _llmType(): string {
    return "scripted";
  }

  override async _generate(messages: BaseMessage[], options: this["ParsedCallOptions"]): Promise<ChatResult> {
    const turns = fromLangChainMessages(messages);
    const call: ScriptedCall = {
      index: this.calls.length,
      messages: turns,
      lastUser: [...turns].reverse().find((t) => t.role === "user")?.content ?? "",
      promptText: turns.map((t) => `${t.role}: ${t.content}`).join("\n"),
      options: {
        temperature: options.temperature,
        seed: options.seed,
        maxTokens: options.maxTokens,
        jsonSchema: options.jsonSchema,
      },
      ...(options.role !== undefined ? { role: options.role } : {}),
      ...(options.step !== undefined ? { step: options.step } : {}),
    };
    this.calls.push(call);
    const answer = await this.script(call);
    const { text, error, delayMs } = typeof answer === "string" ? { text: answer } : answer;
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (error) throw error;
    const content = text ?? "";
    // Rough token counts (whitespace words), so transcripts carry numbers as real providers do.
    const count = (s: string) => s.split(/\s+/).filter(Boolean).length;
    const message = new AIMessage({
      content,
      usage_metadata: {
        input_tokens: count(call.promptText),
        output_tokens: count(content),
        total_tokens: count(call.promptText) + count(content),
      },
    });
    return { generations: [{ text: content, message }] };
  }
}

/** A scripted model from a list of answers given in call order (fails clearly when the list runs out). */
export function scriptedModel(script: Script | readonly ScriptedAnswer[]): ScriptedChatModel {
  if (typeof script === "function") return new ScriptedChatModel(script);
  const answers = [...script];
  return new ScriptedChatModel(({ index }) => {
    const answer = answers[index];
    if (answer === undefined) throw new Error(`ScriptedChatModel: no answer scripted for call #${index + 1} (${answers.length} given)`);
    return answer;
  });
}

/** An error shaped like an HTTP 429 from a provider SDK. */
export function rateLimitError(message = "Rate limit reached for requests"): Error {
  return Object.assign(new Error(`429 ${message}`), { status: 429 });
}
