#!/usr/bin/env node
// Entry point of the `linguacodus` command. Each command lives in cli/commands/<name>.ts and loads
// its heavy dependencies (models, Docker, LangChain) lazily inside its action, so `--help` and the
// commands that need no model start fast.
import { Command } from "commander";
import { registerTasks } from "./commands/tasks.js";
import { registerGrade } from "./commands/grade.js";
import { registerSandbox } from "./commands/sandbox.js";
import { registerRun } from "./commands/run.js";
import { registerAsk } from "./commands/ask.js";
import { registerBench } from "./commands/bench.js";
import { registerBatch } from "./commands/batch.js";
import { registerBenchCell } from "./commands/bench-slurm.js";
import { registerReport } from "./commands/report.js";
import { registerView } from "./commands/view.js";
import { registerFinetune } from "./commands/finetune.js";
import { registerExport } from "./commands/export.js";
import { reportFailure } from "./failure.js";
import { completeFlagHelp } from "./flags.js";
import { guardTerminal } from "./terminal.js";

export function buildProgram(): Command {
  const program = new Command("linguacodus")
    .description("Turn a Kaggle-style task description into graded Python solution code with a team of LLM agents.")
    .version("0.1.0")
    .showHelpAfterError()
    // The flags' defaults come from the options schemas, loaded only for the command about to run.
    .hook("preSubcommand", (_program, command) => completeFlagHelp(command));
  registerTasks(program);
  registerGrade(program);
  registerSandbox(program);
  registerRun(program);
  registerAsk(program);
  registerBench(program);
  registerBatch(program);
  registerBenchCell(program);
  registerReport(program);
  registerView(program);
  registerFinetune(program);
  registerExport(program);
  return program;
}

// Model, script and task text reaches the terminal only as text, never as control sequences.
guardTerminal();
buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.exitCode = reportFailure(error);
  });
