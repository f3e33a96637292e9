import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // Docker-backed and model-backed tests are slow on a 2-core machine; run files one at a time
    // so sandbox containers and the llama.cpp threads don't fight for the same cores.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 600_000,
  },
});
