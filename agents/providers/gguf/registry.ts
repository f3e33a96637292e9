// Loads models on demand and shares each (file, adapter) between the roles that name it.
import { existsSync } from "node:fs";
import type { Llama } from "node-llama-cpp";
import { type ResolvedChatModel, fromChatModel } from "../../chat-model.js";
import { ModelFileError } from "../../errors.js";
import type { GgufSpec } from "../../spec.js";
import { sharedLlama } from "./binding.js";
import { LlamaCppChatModel } from "./chat-model.js";
import { resolveGgufFile } from "./download.js";
import { LoadedGgufModel } from "./loaded-model.js";
import type { GgufOptions } from "./options.js";

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
