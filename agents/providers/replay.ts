// replay: answers with the responses recorded in a run's transcripts.jsonl, per role and in order. Each call's
// prompt must hash to the recorded one; a difference is an error that shows where the prompts diverge.
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage } from "@langchain/core/messages";
import type { BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import { fromLangChainMessages } from "../chat-model.js";
import { ReplayMismatchError } from "../errors.js";
import { roleOfCall } from "../call-step.js";
import { type TranscriptLine, type TranscriptTurn, hashPrompt, readTranscript, transcriptFilePath } from "../transcript.js";
import type { AgentRole, ChatTurn } from "../types.js";

function firstDifference(recorded: readonly TranscriptTurn[], now: readonly ChatTurn[]): string {
  const clip = (s: string, at: number) => JSON.stringify(s.slice(Math.max(0, at - 30), at + 50));
  for (let i = 0; i < Math.max(recorded.length, now.length); i++) {
    const a = recorded[i];
    const b = now[i];
    if (!a || !b) return `the recording has ${recorded.length} messages, this call has ${now.length}`;
    if (a.role !== b.role) return `message ${i + 1} is "${b.role}" now but was "${a.role}"`;
    if ((a.images?.length ?? 0) !== (b.images?.length ?? 0)) return `message ${i + 1} (${a.role}) had ${a.images?.length ?? 0} images, now ${b.images?.length ?? 0}`;
    if (a.content !== b.content) {
      let at = 0;
      while (at < a.content.length && a.content[at] === b.content[at]) at++;
      return `message ${i + 1} (${a.role}) differs at character ${at}: recorded ${clip(a.content, at)}, now ${clip(b.content, at)}`;
    }
  }
  return "the messages are equal but the recorded hash differs (their images differ, or the transcript was edited)";
}

/** Replays the successful calls recorded for one role. */
export class ReplayChatModel extends BaseChatModel {
  private cursor = 0;

  constructor(
    private readonly source: string,
    private readonly role: AgentRole,
    private readonly recorded: readonly TranscriptLine[],
  ) {
    super({});
  }

  override _llmType(): string {
    return "replay";
  }

  override async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    const turns = fromLangChainMessages(messages);
    const index = this.cursor;
    const line = this.recorded[index];
    if (!line) {
      throw new ReplayMismatchError(
        `Replay of ${this.source}: role "${this.role}" makes call #${index + 1}, but the recording holds only ` +
          `${this.recorded.length} successful ${this.role} calls. The run being replayed differs from the recorded one.`,
      );
    }
    if (hashPrompt(turns) !== line.promptHash) {
      throw new ReplayMismatchError(
        `Replay of ${this.source}: the prompt of role "${this.role}" call #${index + 1}` +
          `${line.step ? ` (step "${line.step}")` : ""} does not match recorded call ${line.callId}: ` +
          `${firstDifference(line.messages, turns)}. Replay only reproduces runs with identical prompts.`,
      );
    }
    this.cursor++;
    const text = line.response ?? "";
    const message = new AIMessage({
      content: text,
      ...(line.tokens
        ? {
            usage_metadata: {
              input_tokens: line.tokens.input,
              output_tokens: line.tokens.output,
              total_tokens: line.tokens.input + line.tokens.output,
              ...(line.tokens.cached !== undefined ? { input_token_details: { cache_read: line.tokens.cached } } : {}),
            },
          }
        : {}),
    });
    return { generations: [{ text, message }] };
  }
}

/** Loads a recording once and hands out one replay model per role. */
export class ReplaySource {
  private readonly lines: TranscriptLine[];
  readonly file: string;

  constructor(path: string) {
    this.file = transcriptFilePath(path);
    this.lines = readTranscript(path);
  }

  /** The recording showed this role images: its replay sees them too, so the same prompts are built again. */
  sawImages(role: AgentRole): boolean {
    return this.lines.some((l) => roleOfCall(l) === role && l.messages.some((m) => (m.images?.length ?? 0) > 0));
  }

  modelFor(role: AgentRole): ReplayChatModel {
    // Failed attempts (rate limits, outages) are not part of what the run computed: skip them. A call counts under
    // the role that makes it now (a recording's fixes made by the merger replay as the fixer's).
    const recorded = this.lines.filter((l) => roleOfCall(l) === role && l.error === null && l.response !== null);
    return new ReplayChatModel(this.file, role, recorded);
  }
}
