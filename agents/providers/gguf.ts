// gguf: models run in-process with node-llama-cpp. The native module loads lazily (first gguf call only).
// One loaded model serves every role with the same spec; its context holds `parallel` sequences, and calls
// queue for a free sequence (serialised with 1, batched by node-llama-cpp with more).
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename } from "node:path";
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage } from "@langchain/core/messages";
import type { BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import type {
  ChatHistoryItem,
  Llama,
  LlamaChat,
  LlamaContext,
  LlamaGrammar,
  LlamaModel,
} from "node-llama-cpp";
import { type AgentChatCallOptions, type ResolvedChatModel, fromChatModel, fromLangChainMessages } from "../chat-model.js";
import { ContextOverflowError, ModelFileError } from "../errors.js";
import type { JsonSchema } from "../json-schema.js";
import type { GgufSpec } from "../spec.js";
import { DEFAULT_MODEL_FILE, DEFAULT_MODEL_SCRIPT } from "./default-model.js";

export interface GgufOptions {
  /** Folder for `hf:` downloads (and where relative names are looked up first). */
  modelsDir?: string;
  /** Context window in tokens. Default 4096. */
  contextSize?: number;
  /** Layers to offload to the GPU: "auto" (default), "max", or a number (0 = CPU only). */
  gpuLayers?: "auto" | "max" | number;
  /** GPU backend: "auto" (default: CUDA/Vulkan/Metal when present, else CPU) or false for CPU only. */
  gpu?: "auto" | false | "cuda" | "vulkan" | "metal";
  /** CPU threads per evaluation (default: the cores this process may use). 1 is fastest on a busy machine. */
  threads?: number;
  /** Parallel sequences in the shared context (default 1: calls run one after another). */
  parallel?: number;
  /** Token for gated or private Hugging Face repos (the provider resolver fills it from HF_TOKEN). */
  huggingFaceToken?: string;
  /** Download progress for `hf:` models (default: a progress bar on stderr). */
  onDownloadProgress?: (progress: { uri: string; downloadedBytes: number; totalBytes: number }) => void;
}

type NodeLlamaCpp = typeof import("node-llama-cpp");

let nodeLlamaCpp: Promise<NodeLlamaCpp> | undefined;
/** The native module, loaded on first use so commands without a local model start fast. */
export function loadNodeLlamaCpp(): Promise<NodeLlamaCpp> {
  nodeLlamaCpp ??= import("node-llama-cpp");
  return nodeLlamaCpp;
}

/** Resolves the spec to a local file, downloading `hf:` models into modelsDir with a progress bar. */
export async function resolveGgufFile(spec: GgufSpec, options: GgufOptions): Promise<string> {
  if (spec.source.kind === "file") {
    const path = spec.source.path;
    if (!existsSync(path)) {
      const hint =
        basename(path) === DEFAULT_MODEL_FILE
          ? `This is the default model: run ${DEFAULT_MODEL_SCRIPT} to install it.`
          : "Check the path, or use gguf:hf:<owner>/<repo>/<file.gguf> to download one.";
      throw new ModelFileError(`Model file not found: ${path} (spec gguf:${path}). ${hint}`);
    }
    return path;
  }
  const { owner, repo, file } = spec.source;
  const uri = `hf:${owner}/${repo}/${file}`;
  if (!options.modelsDir) throw new ModelFileError(`Cannot download ${uri}: no models folder was given to the gguf provider.`);
  const { resolveModelFile } = await loadNodeLlamaCpp();
  // Already downloaded: no network needed.
  const cached = await resolveModelFile(uri, { directory: options.modelsDir, download: false, cli: false }).catch(() => undefined);
  if (cached) return cached;
  // The downloader retries a dead network for a long time; a quick probe gives the offline case a clear error.
  const url = `https://huggingface.co/${owner}/${repo}/resolve/main/${file}`;
  const headers: Record<string, string> = options.huggingFaceToken ? { authorization: `Bearer ${options.huggingFaceToken}` } : {};
  const probe = await fetch(url, { method: "HEAD", headers, signal: AbortSignal.timeout(15_000) }).catch((error: Error) => error);
  if (probe instanceof Error || !probe.ok) {
    const reason =
      probe instanceof Error
        ? `${probe.message}${(probe.cause as { code?: string } | undefined)?.code ? ` (${(probe.cause as { code: string }).code})` : ""}`
        : `HTTP ${probe.status}${probe.status === 401 || probe.status === 404 ? " (no such file, or a gated repo: set HF_TOKEN)" : ""}`;
    throw new ModelFileError(
      `Could not download ${uri} into ${options.modelsDir}: ${reason}. ` +
        "If this machine is offline, copy the .gguf file here by other means and use gguf:<path>.",
    );
  }
  const report = options.onDownloadProgress ?? (await stderrProgressBar(uri));
  try {
    return await resolveModelFile(uri, {
      directory: options.modelsDir,
      ...(options.huggingFaceToken ? { tokens: { huggingFace: options.huggingFaceToken } } : {}),
      cli: false,
      onProgress: ({ downloadedSize, totalSize }) => report({ uri, downloadedBytes: downloadedSize, totalBytes: totalSize }),
    });
  } catch (error) {
    throw new ModelFileError(
      `Could not download ${uri} into ${options.modelsDir}: ${(error as Error).message}. ` +
        "If this machine is offline, copy the .gguf file here by other means and use gguf:<path>.",
      { cause: error },
    );
  }
}

async function stderrProgressBar(uri: string): Promise<(p: { downloadedBytes: number; totalBytes: number }) => void> {
  const { SingleBar, Presets } = (await import("cli-progress")).default;
  const bar = new SingleBar({ format: `${uri} [{bar}] {percentage}% {value}/{total} MB`, stream: process.stderr }, Presets.shades_classic);
  let started = false;
  return ({ downloadedBytes, totalBytes }) => {
    const mb = (n: number) => Math.round(n / 1e6);
    if (!started) {
      bar.start(mb(totalBytes), 0);
      started = true;
    }
    bar.update(mb(downloadedBytes));
    if (downloadedBytes >= totalBytes) bar.stop();
  };
}

interface GenerateRequest {
  history: ChatHistoryItem[];
  temperature?: number;
  seed?: number;
  maxTokens?: number;
  jsonSchema?: JsonSchema;
  signal?: AbortSignal;
}

interface GenerateResult {
  text: string;
  inputTokens: number;
  outputTokens: number;
}

/** A model file loaded once, with a context of `parallel` sequences each driven by a LlamaChat. */
export class LoadedGgufModel {
  private readonly free: LlamaChat[];
  private readonly waiting: Array<(chat: LlamaChat) => void> = [];
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();

  private constructor(
    readonly llama: Llama,
    readonly model: LlamaModel,
    readonly context: LlamaContext,
    chats: LlamaChat[],
  ) {
    this.free = chats;
  }

  static async load(
    llama: Llama,
    modelPath: string,
    loraPath: string | undefined,
    options: GgufOptions,
  ): Promise<LoadedGgufModel> {
    const { LlamaChat } = await loadNodeLlamaCpp();
    const model = await llama.loadModel({ modelPath, gpuLayers: options.gpuLayers ?? "auto" }).catch((error: Error) => {
      throw new ModelFileError(`Cannot load model ${modelPath}: ${error.message}. Is it a valid GGUF file?`, { cause: error });
    });
    const parallel = Math.max(1, options.parallel ?? 1);
    const context = await model
      .createContext({
        contextSize: options.contextSize ?? 4096,
        sequences: parallel,
        // node-llama-cpp may count the host's cores rather than the ones this process may use (cgroups).
        threads: options.threads ?? availableParallelism(),
        ...(loraPath ? { lora: { adapters: [{ filePath: loraPath }] } } : {}),
      })
      .catch(async (error: Error) => {
        await model.dispose();
        const what = loraPath ? `with LoRA adapter ${loraPath}` : "";
        throw new ModelFileError(`Cannot create a context for ${modelPath} ${what}: ${error.message}`, { cause: error });
      });
    const chats = Array.from({ length: parallel }, () => new LlamaChat({ contextSequence: context.getSequence() }));
    return new LoadedGgufModel(llama, model, context, chats);
  }

  private acquire(): Promise<LlamaChat> {
    const chat = this.free.pop();
    if (chat) return Promise.resolve(chat);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(chat: LlamaChat) {
    const next = this.waiting.shift();
    if (next) next(chat);
    else this.free.push(chat);
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
    const chat = await this.acquire();
    try {
      const contextSize = this.context.contextSize;
      const history: ChatHistoryItem[] = [...request.history, { type: "model", response: [] }];
      const inputTokens = this.promptTokens(chat, history);
      const room = contextSize - inputTokens;
      // Refuse rather than let context shifting silently drop part of the prompt.
      if (room < Math.max(1, Math.min(request.maxTokens ?? 1, contextSize))) {
        throw new ContextOverflowError(
          `the prompt takes ${inputTokens} tokens${request.maxTokens ? ` + ${request.maxTokens} for the answer` : ""}, ` +
            `but the context holds ${contextSize} (gguf contextSize option)`,
        );
      }
      const grammar = request.jsonSchema ? await this.grammarFor(request.jsonSchema).catch(grammarUnsupported) : undefined;
      const meter = chat.sequence.tokenMeter;
      const outputBefore = meter.usedOutputTokens;
      const response = await chat.generateResponse(history, {
        maxTokens: Math.min(request.maxTokens ?? room, room),
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        ...(request.seed !== undefined ? { seed: request.seed } : {}),
        ...(grammar ? { grammar } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
      });
      return { text: response.response, inputTokens, outputTokens: meter.usedOutputTokens - outputBefore };
    } finally {
      this.release(chat);
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

function toChatHistory(messages: BaseMessage[]): ChatHistoryItem[] {
  return fromLangChainMessages(messages).map((turn): ChatHistoryItem => {
    if (turn.role === "system") return { type: "system", text: turn.content };
    if (turn.role === "user") return { type: "user", text: turn.content };
    return { type: "model", response: [turn.content] };
  });
}

/** LangChain chat model over a loaded GGUF; `jsonSchema` in the call options switches on the JSON grammar. */
export class LlamaCppChatModel extends BaseChatModel<AgentChatCallOptions> {
  constructor(private readonly loaded: LoadedGgufModel) {
    super({});
  }

  override _llmType(): string {
    return "node-llama-cpp";
  }

  override async _generate(messages: BaseMessage[], options: this["ParsedCallOptions"]): Promise<ChatResult> {
    const result = await this.loaded.generate({
      history: toChatHistory(messages),
      ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}),
      ...(options.jsonSchema ? { jsonSchema: options.jsonSchema } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const message = new AIMessage({
      content: result.text,
      usage_metadata: {
        input_tokens: result.inputTokens,
        output_tokens: result.outputTokens,
        total_tokens: result.inputTokens + result.outputTokens,
      },
    });
    return { generations: [{ text: result.text, message }] };
  }
}

// One llama.cpp binding per process and GPU choice: loading it takes seconds, and it holds no model memory
// itself (models and contexts are disposed by their registry).
const llamas = new Map<string, Promise<Llama>>();
function sharedLlama(gpu: NonNullable<GgufOptions["gpu"]>): Promise<Llama> {
  const key = String(gpu);
  let llama = llamas.get(key);
  if (!llama) {
    llama = loadNodeLlamaCpp().then(async ({ getLlama, LlamaLogLevel }) => {
      // build "never": use the prebuilt binaries (GPU variants are tried first); never start a source build
      // from inside a run.
      const loaded = await getLlama({ gpu, build: "never", logLevel: LlamaLogLevel.error });
      // A GPU backend can load without any device behind it (e.g. Vulkan on a headless box): use the CPU build.
      if (gpu === "auto" && loaded.gpu !== false && (await loaded.getGpuDeviceNames()).length === 0) {
        await loaded.dispose();
        return getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
      }
      return loaded;
    });
    llama.catch(() => llamas.delete(key));
    llamas.set(key, llama);
  }
  return llama;
}

/** Loads models on demand and shares each (file, adapter) between the roles that name it. */
export class GgufRegistry {
  private readonly loaded = new Map<string, Promise<{ loaded: LoadedGgufModel; resolved: ResolvedChatModel }>>();

  constructor(private readonly options: GgufOptions) {}

  private getLlama(): Promise<Llama> {
    return sharedLlama(this.options.gpu ?? "auto");
  }

  async resolve(spec: GgufSpec): Promise<ResolvedChatModel> {
    const modelPath = await resolveGgufFile(spec, this.options);
    if (spec.lora && !existsSync(spec.lora)) {
      throw new ModelFileError(`LoRA adapter not found: ${spec.lora} (from +lora: in the model spec). Check the path.`);
    }
    const key = JSON.stringify([modelPath, spec.lora ?? null]);
    let entry = this.loaded.get(key);
    if (!entry) {
      entry = this.getLlama()
        .then((llama) => LoadedGgufModel.load(llama, modelPath, spec.lora, this.options))
        .then((loaded) => {
          const chat = fromChatModel(new LlamaCppChatModel(loaded));
          return { loaded, resolved: { forCall: chat.forCall } };
        });
      entry.catch(() => this.loaded.delete(key));
      this.loaded.set(key, entry);
    }
    return (await entry).resolved;
  }

  async close(): Promise<void> {
    for (const entry of this.loaded.values()) {
      const settled = await entry.catch(() => undefined);
      await settled?.loaded.dispose();
    }
    this.loaded.clear();
  }
}
