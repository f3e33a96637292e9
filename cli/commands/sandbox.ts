import type { Command } from "commander";

// Placeholder until the owning issue lands; replaced by the real command.
export function registerSandbox(program: Command): void {
  program.command("sandbox").description("(not built yet)").action(() => {
    throw new Error("'sandbox' is not built yet");
  });
}
