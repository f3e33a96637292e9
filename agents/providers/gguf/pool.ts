// A fixed set of items (the context's sequences) lent out one call at a time; callers queue for a free one.
// `exclusive` takes every item, for work that must not overlap any call (replacing the context).

export class Pool<T> {
  private free: T[];
  private readonly waiting: Array<(item: T) => void> = [];

  constructor(items: T[], private size = items.length) {
    this.free = [...items];
  }

  acquire(): Promise<T> {
    const item = this.free.pop();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(item: T): void {
    const next = this.waiting.shift();
    if (next) next(item);
    else this.free.push(item);
  }

  /** Runs `work` holding every item; `work` returns the items that replace them. */
  async exclusive(work: (items: T[]) => Promise<T[]>): Promise<void> {
    const held: T[] = [];
    for (let i = 0; i < this.size; i++) held.push(await this.acquire());
    let next = held;
    try {
      next = await work(held);
    } finally {
      this.size = next.length;
      for (const item of next) this.release(item);
    }
  }
}
