// A bench runs P attempts at once, often on the same task: the default Docker sandbox keeps one idle warm
// container per task folder, so every concurrent attempt past the first would pay a cold start. The bench
// swaps in a Docker sandbox (same image) whose pool keeps P warm containers per task.
import type { RunDependencies } from "../execution/index.js";

export interface PooledDeps {
  deps: RunDependencies;
  close(): Promise<void>;
}

/** Replaces a Docker sandbox by one whose pool fits `parallel` attempts per task; other sandboxes pass through. */
export async function withBenchPool(deps: RunDependencies, options: { parallel: number; tasks: number }): Promise<PooledDeps> {
  if (deps.sandbox.kind !== "docker" || options.parallel <= 1) return { deps, close: async () => {} };
  const sandboxModule = await import("../sandbox/index.js");
  const sandbox = new sandboxModule.DockerSandbox({
    docker: sandboxModule.dockerClient(),
    // Syntax checks run without a task folder: one more key besides the tasks.
    pool: { maxIdlePerKey: options.parallel, maxIdleTotal: Math.max(4, options.parallel * (Math.min(options.tasks, 4) + 1)) },
  });
  return { deps: { ...deps, sandbox }, close: () => sandbox.close() };
}
