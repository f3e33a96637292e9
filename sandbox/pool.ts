// Warm containers kept between attempts, keyed by the public folder they mount (a container's mounts
// are fixed at creation). A container that timed out, died, hit OOM or left leftovers is destroyed.
import type Docker from "dockerode";
import { WarmContainer, type ContainerSpec } from "./warm-container.js";

export interface PoolOptions {
  /** Idle containers kept per public folder. */
  maxIdlePerKey: number;
  /** Idle containers kept in all (oldest destroyed first). */
  maxIdleTotal: number;
}

export const DEFAULT_POOL_OPTIONS: PoolOptions = { maxIdlePerKey: 1, maxIdleTotal: 4 };

export class ContainerPool {
  private idle: WarmContainer[] = [];
  private busy = new Set<WarmContainer>();
  private starting = new Set<Promise<WarmContainer>>();
  private closed = false;

  constructor(
    private readonly docker: Docker,
    private readonly options: PoolOptions = DEFAULT_POOL_OPTIONS,
  ) {}

  static key(spec: ContainerSpec): string {
    return JSON.stringify([spec.image, spec.publicDir ?? null, spec.limits, spec.gpus, spec.preload ?? null, spec.cores]);
  }

  /** A warm container for `spec`: an idle one when there is one, else a new one (`coldStartMs` > 0). */
  async acquire(spec: ContainerSpec): Promise<{ container: WarmContainer; coldStartMs: number }> {
    if (this.closed) throw new Error("the sandbox was closed");
    const key = ContainerPool.key(spec);
    for (let i = this.idle.length - 1; i >= 0; i--) {
      const candidate = this.idle[i]!;
      if (ContainerPool.key(candidate.spec) !== key) continue;
      this.idle.splice(i, 1);
      // Handed out only once the clean-up after its last attempt finished and found nothing left.
      if (!(await candidate.settle())) {
        await candidate.destroy();
        continue;
      }
      this.busy.add(candidate);
      return { container: candidate, coldStartMs: 0 };
    }
    const started = Date.now();
    const container = await this.track(WarmContainer.start(this.docker, spec));
    this.busy.add(container);
    return { container, coldStartMs: Date.now() - started };
  }

  /** Returns a container after an attempt: kept warm when reusable, otherwise destroyed. */
  async release(container: WarmContainer): Promise<void> {
    this.busy.delete(container);
    if (this.closed || !container.usable || container.hasExited) {
      await container.destroy();
      return;
    }
    const key = ContainerPool.key(container.spec);
    const sameKey = this.idle.filter((c) => ContainerPool.key(c.spec) === key).length;
    if (sameKey >= this.options.maxIdlePerKey) {
      await container.destroy();
      return;
    }
    this.idle.push(container);
    while (this.idle.length > this.options.maxIdleTotal) await this.idle.shift()!.destroy();
  }

  /** Starts a container for `spec` ahead of the first attempt, so that attempt finds it warm. */
  async prewarm(spec: ContainerSpec): Promise<void> {
    const { container } = await this.acquire(spec);
    await this.release(container);
  }

  /** Resolves when every idle container has finished cleaning up after its last attempt. */
  async settled(): Promise<void> {
    await Promise.all(this.idle.map((c) => c.settle()));
  }

  get idleCount(): number {
    return this.idle.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    const pending = await Promise.allSettled([...this.starting]);
    const all = [...this.idle, ...this.busy];
    for (const p of pending) if (p.status === "fulfilled") all.push(p.value);
    this.idle = [];
    this.busy.clear();
    await Promise.all(all.map((c) => c.destroy()));
  }

  private async track(promise: Promise<WarmContainer>): Promise<WarmContainer> {
    this.starting.add(promise);
    try {
      return await promise;
    } finally {
      this.starting.delete(promise);
    }
  }
}
