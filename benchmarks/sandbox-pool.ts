// A bench runs P attempts at once, often on the same task: the default Docker sandbox keeps one idle warm
// container per task folder, so every concurrent attempt past the first would pay a cold start. The bench
// asks the wiring for a pool that keeps P warm containers per task.
import type { PoolOptions } from "../sandbox/index.js";

/** Pool size for `parallel` attempts over `tasks` tasks; undefined (the default pool) when attempts run one at a time. */
export function benchPoolOptions(options: { parallel: number; tasks: number }): PoolOptions | undefined {
  if (options.parallel <= 1) return undefined;
  // Syntax checks run without a task folder: one more key besides the tasks.
  return { maxIdlePerKey: options.parallel, maxIdleTotal: Math.max(4, options.parallel * (Math.min(options.tasks, 4) + 1)) };
}
