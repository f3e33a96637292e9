// The native llama.cpp binding: the module is imported on first use (commands without a local model start fast),
// and one binding per GPU choice is shared by the whole process.
import type { Llama } from "node-llama-cpp";
import type { GgufOptions } from "./options.js";

type NodeLlamaCpp = typeof import("node-llama-cpp");

let nodeLlamaCpp: Promise<NodeLlamaCpp> | undefined;
/** The native module, loaded on first use so commands without a local model start fast. */
export function loadNodeLlamaCpp(): Promise<NodeLlamaCpp> {
  nodeLlamaCpp ??= import("node-llama-cpp");
  return nodeLlamaCpp;
}

// Loading a binding takes seconds, and it holds no model memory itself (models and contexts are disposed by
// their registry).
const llamas = new Map<string, Promise<Llama>>();

export function sharedLlama(gpu: NonNullable<GgufOptions["gpu"]>): Promise<Llama> {
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
