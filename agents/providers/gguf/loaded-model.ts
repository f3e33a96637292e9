// A model file loaded once, with one context of `parallel` sequences each driven by a LlamaChat. The context is
// sized to the calls: it starts at `contextSize` and is replaced by a larger one when a prompt plus its answer cap
// does not fit, up to the model's trained context, `maxContextSize` and what memory allows.
import { availableParallelism } from "node:os";
import type { ChatHistoryItem, Llama, LlamaChat, LlamaContext, LlamaGrammar, LlamaModel, Token } from "node-llama-cpp";
import { ContextOverflowError, ModelFileError } from "../../errors.js";
import type { JsonSchema } from "../../json-schema.js";
import { loadNodeLlamaCpp } from "./binding.js";
import { DEFAULT_CONTEXT_SIZE, type GgufOptions } from "./options.js";
import { Pool } from "./pool.js";
import { clampStringsToSchema } from "./string-bounds.js";

export interface GenerateRequest {
  history: ChatHistoryItem[];
  temperature?: number;
  seed?: number;
  maxTokens?: number;
  jsonSchema?: JsonSchema;
  signal?: AbortSignal;
  /** Called as tokens are generated, with the text of the new tokens. */
  onTokens?: (text: string, count: number) => void;
}

export interface GenerateResult {
  text: string;
  /** Tokens of the whole prompt (chat template applied). */
  inputTokens: number;
  /** Prompt tokens actually evaluated: the rest was reused from the sequence's cache (a shared prefix). */
  evaluatedInputTokens: number;
  outputTokens: number;
  /** The answer stopped at the token cap (`maxTokens` or the room left in the context). */
  truncated: boolean;
  /** Time to the first generated token (prompt evaluation) and the generation after it. */
  promptMs: number;
  generationMs: number;
}

/** Context sizes are rounded up to this (llama.cpp aligns to 256; fewer resizes with a coarser step). */
const CONTEXT_STEP = 1024;

export class LoadedGgufModel {
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();
  private readonly pool: Pool<LlamaChat>;
  private context: LlamaContext;

  private constructor(
    readonly llama: Llama,
    readonly model: LlamaModel,
    context: LlamaContext,
    chats: LlamaChat[],
    private readonly loraPath: string | undefined,
    private readonly options: GgufOptions,
  ) {
    this.context = context;
    this.pool = new Pool(chats);
  }

  static async load(llama: Llama, modelPath: string, loraPath: string | undefined, options: GgufOptions): Promise<LoadedGgufModel> {
    const model = await llama.loadModel({ modelPath, gpuLayers: options.gpuLayers ?? "auto" }).catch((error: Error) => {
      throw new ModelFileError(`Cannot load model ${modelPath}: ${error.message}. Is it a valid GGUF file?`, { cause: error });
    });
    try {
      const size = Math.min(options.contextSize ?? DEFAULT_CONTEXT_SIZE, LoadedGgufModel.maxContextOf(model, options));
      const { context, chats } = await LoadedGgufModel.createContext(model, size, loraPath, options);
      return new LoadedGgufModel(llama, model, context, chats, loraPath, options);
    } catch (error) {
      await model.dispose();
      throw error;
    }
  }

  private static maxContextOf(model: LlamaModel, options: GgufOptions): number {
    return Math.min(options.maxContextSize ?? Number.POSITIVE_INFINITY, model.trainContextSize);
  }

  private static async createContext(
    model: LlamaModel,
    size: number,
    loraPath: string | undefined,
    options: GgufOptions,
  ): Promise<{ context: LlamaContext; chats: LlamaChat[] }> {
    const { LlamaChat } = await loadNodeLlamaCpp();
    const parallel = Math.max(1, options.parallel ?? 1);
    const context = await model
      .createContext({
        // A range: node-llama-cpp refuses (rather than crashes) when even `min` does not fit in memory.
        contextSize: { min: size, max: size },
        sequences: parallel,
        // node-llama-cpp may count the host's cores rather than the ones this process may use (cgroups).
        threads: options.threads ?? availableParallelism(),
        ...(loraPath ? { lora: { adapters: [{ filePath: loraPath }] } } : {}),
      })
      .catch((error: Error) => {
        const what = loraPath ? ` with LoRA adapter ${loraPath}` : "";
        throw new ModelFileError(`Cannot create a ${size}-token context for ${model.filename ?? "the model"}${what}: ${error.message}`, {
          cause: error,
        });
      });
    const chats = Array.from({ length: parallel }, () => new LlamaChat({ contextSequence: context.getSequence() }));
    return { context, chats };
  }

  get contextSize(): number {
    return this.context.contextSize;
  }

  get maxContextSize(): number {
    return LoadedGgufModel.maxContextOf(this.model, this.options);
  }

  /** Replaces the context with one of at least `needed` tokens, once no call is using it. */
  private async grow(needed: number): Promise<void> {
    await this.pool.exclusive(async (chats) => {
      if (this.context.contextSize >= needed) return chats;
      const size = Math.min(Math.ceil(needed / CONTEXT_STEP) * CONTEXT_STEP, this.maxContextSize);
      const created = await LoadedGgufModel.createContext(this.model, size, this.loraPath, this.options);
      for (const chat of chats) chat.dispose();
      await this.context.dispose();
      this.context = created.context;
      return created.chats;
    });
  }

  private grammarFor(schema: JsonSchema): Promise<LlamaGrammar> {
    const key = JSON.stringify(schema);
    let grammar = this.grammars.get(key);
    if (!grammar) {
      // node-llama-cpp's GbnfJsonSchema is a subset of JSON schema; zod's output for plain objects fits it.
      grammar = this.llama.createGrammarForJsonSchema(schema as Parameters<Llama["createGrammarForJsonSchema"]>[0]);
      this.grammars.set(key, grammar);
    }
    return grammar;
  }

  /** Tokens the prompt takes once the chat template is applied. */
  promptTokens(chat: LlamaChat, history: ChatHistoryItem[]): number {
    const { contextText } = chat.chatWrapper.generateContextState({ chatHistory: history });
    return contextText.tokenize(this.model.tokenizer).length;
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const history: ChatHistoryItem[] = [...request.history, { type: "model", response: [] }];
    let chat = await this.pool.acquire();
    let inputTokens = this.promptTokens(chat, history);
    const answerRoom = request.maxTokens ?? 1;
    if (inputTokens + answerRoom > this.context.contextSize && inputTokens + answerRoom <= this.maxContextSize) {
      this.pool.release(chat);
      await this.grow(inputTokens + answerRoom);
      chat = await this.pool.acquire();
      inputTokens = this.promptTokens(chat, history);
    }
    try {
      const contextSize = this.context.contextSize;
      const room = contextSize - inputTokens;
      // Refuse rather than let context shifting silently drop part of the prompt.
      if (room < Math.max(1, Math.min(answerRoom, contextSize))) {
        throw new ContextOverflowError(
          `the prompt takes ${inputTokens} tokens${request.maxTokens ? ` + ${request.maxTokens} for the answer` : ""}, ` +
            `but the context holds ${Math.max(contextSize, this.maxContextSize)} tokens at most ` +
            `(the model's trained context ${this.model.trainContextSize}${this.options.maxContextSize ? `, the gguf maxContextSize option ${this.options.maxContextSize}` : ""})`,
        );
      }
      const grammar = request.jsonSchema ? await this.grammarFor(request.jsonSchema).catch(grammarUnsupported) : undefined;
      const meter = chat.sequence.tokenMeter;
      const inputBefore = meter.usedInputTokens;
      const outputBefore = meter.usedOutputTokens;
      const maxTokens = Math.min(request.maxTokens ?? room, room);
      const started = performance.now();
      let firstTokenAt: number | undefined;
      const response = await chat.generateResponse(history, {
        maxTokens,
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        ...(request.seed !== undefined ? { seed: request.seed } : {}),
        ...(grammar ? { grammar } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
        onToken: (tokens: Token[]) => {
          firstTokenAt ??= performance.now();
          request.onTokens?.(this.model.detokenize(tokens), tokens.length);
        },
      });
      const ended = performance.now();
      const outputTokens = meter.usedOutputTokens - outputBefore;
      return {
        text: grammar && request.jsonSchema ? clampStringsToSchema(response.response, request.jsonSchema) : response.response,
        inputTokens,
        evaluatedInputTokens: meter.usedInputTokens - inputBefore,
        outputTokens,
        truncated: response.metadata.stopReason === "maxTokens",
        promptMs: (firstTokenAt ?? ended) - started,
        generationMs: ended - (firstTokenAt ?? ended),
      };
    } finally {
      this.pool.release(chat);
    }
  }

  async dispose(): Promise<void> {
    await this.context.dispose();
    await this.model.dispose();
  }
}

/**
 * node-llama-cpp's grammar covers a subset of JSON schema. For a schema outside it, generate unconstrained:
 * the team still validates the answer with zod and retries once, so correctness does not depend on the grammar.
 */
function grammarUnsupported(error: Error): undefined {
  process.emitWarning(`JSON schema not expressible as a llama.cpp grammar; generating without it (${error.message})`, "LinguacodusWarning");
  return undefined;
}
