// Concurrency bounds of a bench: runs go P at once, but sandbox executions and model calls are bounded
// separately — a local GGUF model is one process-wide instance, so its calls are serialised, while API
// models may run concurrently up to a limit. The wrappers keep the Sandbox and AgentTeam interfaces.
import { specProvider, type AgentTeam, wrapTeamCalls } from "../agents/index.js";
import { type Sandbox, wrapSandbox } from "../sandbox/index.js";

/** A counting semaphore with a FIFO queue. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** Most holders seen at once (for tests and the perf script). */
  peak = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`a concurrency limit must be a whole number ≥ 1 (got ${limit})`);
  }

  async acquire(): Promise<() => void> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active += 1;
    this.peak = Math.max(this.peak, this.active);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active -= 1;
      this.waiting.shift()?.();
    };
  }

  async use<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }
}

/** A sandbox whose runs wait for a slot of a shared semaphore; closing it leaves the shared sandbox open. */
export function limitedSandbox(sandbox: Sandbox, slots: Semaphore): Sandbox {
  return wrapSandbox(sandbox, { run: (request, inner) => slots.use(() => inner.run(request)), close: async () => {} });
}

export interface ModelLimits {
  /** Concurrent calls to one API model (openai:, gemini:). */
  apiConcurrency: number;
  /** Concurrent calls to replayed models (they cost nothing). */
  replayConcurrency: number;
}

/** One semaphore per model spec, shared by every run of a bench. */
export class ModelCallLimiter {
  private readonly bySpec = new Map<string, Semaphore>();
  constructor(private readonly limits: ModelLimits) {}

  /** GGUF models are serialised: one in-process model instance answers one call at a time. */
  limitOf(spec: string): number {
    const provider = specProvider(spec);
    if (provider === "gguf") return 1;
    if (provider === "replay") return this.limits.replayConcurrency;
    return this.limits.apiConcurrency;
  }

  semaphore(spec: string): Semaphore {
    let s = this.bySpec.get(spec);
    if (!s) {
      s = new Semaphore(this.limitOf(spec));
      this.bySpec.set(spec, s);
    }
    return s;
  }

  /** Wraps a team so every model call waits for its spec's slot. */
  wrapTeam(team: AgentTeam): AgentTeam {
    return wrapTeamCalls(team, (model, _options, call) => this.semaphore(model.spec).use(call));
  }
}
