// Seeded randomness for deterministic splits, bootstraps and test data: the same seed gives the same
// numbers on every machine. The one PRNG of the project; other folders import it from datasets/index.ts.

/** mulberry32: a small 32-bit generator with good statistical quality for shuffling. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 0..n-1 in a seeded random order (Fisher–Yates). */
export function shuffledIndices(n: number, seed: number): Uint32Array {
  const random = seededRandom(seed);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}
