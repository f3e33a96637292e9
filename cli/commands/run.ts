import type { Command } from "commander";

// Placeholder until the owning issue lands; replaced by the real command.
export function registerRun(program: Command): void {
  program.command("run").description("(not built yet)").action(() => {
    throw new Error("'run' is not built yet");
  });
}
