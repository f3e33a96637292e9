import type { Command } from "commander";

// Placeholder until the owning issue lands; replaced by the real command.
export function registerBench(program: Command): void {
  program.command("bench").description("(not built yet)").action(() => {
    throw new Error("'bench' is not built yet");
  });
}
