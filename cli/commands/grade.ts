import type { Command } from "commander";

// Placeholder until the owning issue lands; replaced by the real command.
export function registerGrade(program: Command): void {
  program.command("grade").description("(not built yet)").action(() => {
    throw new Error("'grade' is not built yet");
  });
}
