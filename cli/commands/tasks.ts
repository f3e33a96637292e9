import type { Command } from "commander";

// Placeholder until the owning issue lands; replaced by the real command.
export function registerTasks(program: Command): void {
  program.command("tasks").description("(not built yet)").action(() => {
    throw new Error("'tasks' is not built yet");
  });
}
