import type { Command } from "commander";

// Placeholder until the owning issue lands; replaced by the real command.
export function registerReport(program: Command): void {
  program.command("report").description("(not built yet)").action(() => {
    throw new Error("'report' is not built yet");
  });
}
