// `linguacodus finetune eval`: base vs fine-tuned planner on tasks not in the corpus (parse rate, and with --coder
// the downstream bench), or with --instructions the instruction quality on the corpus's held-out competitions.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { UserFacingError } from "../failure.js";
import { BENCH_FLAGS, RUN_FLAGS, addFlag, readFlag, readFlagOrDefault } from "../flags.js";
import { printDownstream, runDownstream } from "./finetune-downstream.js";
import { fmtS, home, int, realTeam, userInput } from "./finetune-common.js";

type Finetune = typeof import("../../finetune/index.js");

/** The downstream bench's --max-tokens, under its own name (eval's --max-tokens caps the planner answers). */
const BENCH_MAX_TOKENS = { ...RUN_FLAGS.maxTokens.def, flag: "--bench-max-tokens <n>" };

interface EvalFlags {
  adapter: string;
  base: string;
  tasks?: string[];
  instructions?: boolean;
  places: string;
  competitions?: string;
  sampleInputs?: string;
  corpus?: string;
  ranks: string;
  maxTokens: string;
  out?: string;
  coder?: string;
  benchOut?: string;
  repeats?: string;
  benchMaxTokens?: string;
  contextSize: string;
}

export function registerFinetuneEval(finetune: Command): void {
  const evalCommand = finetune
    .command("eval")
    .description("Base vs fine-tuned planner (paper prompt, one call per rank) on tasks not in the corpus, or --instructions")
    .requiredOption("--adapter <adapter.gguf>", "exported adapter")
    .requiredOption("--base <model.gguf>", "its base model")
    .option("--tasks <tasks...>", "suite (lite, all), built-in ids or task folders (not with --instructions)")
    .option("--instructions", "instruction quality on the corpus's held-out competitions: parse rate, completeness, ROUGE-L, library/technique overlap, length, distinct places (needs --corpus)")
    .option("--places <list>", "--instructions: places asked per competition", "1,2,3")
    .option("--competitions <n>", "--instructions: at most N held-out competitions")
    .option("--sample-inputs <csv>", "--instructions: also the paper's evaluation tasks (sample_inputs.csv; no references)")
    .option("--corpus <dir>", "the corpus the adapter was trained on (default: from <adapter.gguf>.json)")
    .option("--ranks <n>", "instructions asked per task", "3")
    .option("--max-tokens <n>", "cap on each planner answer", "512")
    .option("--context-size <n>", "context window", "4096")
    .option("--out <file>", "write the report as JSON")
    .option("--coder <spec>", "run the downstream bench with this coder in every column (the planner varies alone)")
    .option("--bench-out <dir>", "folder of the downstream bench (an existing one is resumed)", "bench-finetune");
  addFlag(evalCommand, BENCH_FLAGS.repeats, "seeds per task of the downstream bench");
  addFlag(evalCommand, BENCH_MAX_TOKENS, "cap on every model answer in the downstream bench (keeps a small local model from rambling)");
  evalCommand.action(async (flags: EvalFlags) => {
      const ft = await import("../../finetune/index.js");
      if (flags.instructions) return evalInstructions(ft, flags);
      if (!flags.tasks?.length) throw new UserFacingError("give --tasks (a suite, built-in ids or task folders), or --instructions with --corpus");
      const { resolveTasks } = await import("../../benchmarks/index.js");
      const { loadTask } = await import("../../datasets/index.js");
      const sidecar = ft.readSidecar(flags.adapter);
      const competitions = flags.corpus ? [...new Set(ft.readCorpus(flags.corpus).pairs.map((p) => p.competition))] : sidecar?.competitions;
      if (!competitions) {
        throw new UserFacingError(`${ft.sidecarPath(flags.adapter)} not found: pass --corpus <dir> so eval can refuse tasks the adapter was trained on.`);
      }
      const refs = await resolveTasks(flags.tasks, { tasksDir: home().tasks, log: (l) => process.stderr.write(`${l}\n`) });
      const tasks = await Promise.all(refs.map((r) => loadTask(r.dir)));
      userInput(() => ft.checkNoOverlap(tasks.map((t) => t.spec.id), competitions));
      const contextSize = int("--context-size", flags.contextSize, 256)!;
      const repeats = await readFlagOrDefault(flags, BENCH_FLAGS.repeats);
      const benchMaxTokens = await readFlag(flags, BENCH_MAX_TOKENS);
      const report = await ft.evaluatePlanners({
        base: flags.base,
        adapterGguf: flags.adapter,
        tasks,
        corpusCompetitions: competitions,
        ranks: int("--ranks", flags.ranks, 1)!,
        maxTokens: int("--max-tokens", flags.maxTokens, 16)!,
        createTeam: (spec) => realTeam(spec, "planner", undefined, contextSize),
        onAnswer: (planner, a) =>
          process.stderr.write(`${planner} ${a.task} rank ${a.rank}${a.attempt > 1 ? " (retry)" : ""}: ${a.parsed ? "parsed" : "no parse"}, ${a.sections}/4 sections, ${a.chars} chars\n`),
      });
      for (const r of report.results) {
        process.stdout.write(
          `${r.planner.padEnd(8)} parse rate ${(r.parseRate * 100).toFixed(0)}% (after retry ${(r.parseRateWithRetry * 100).toFixed(0)}%), ` +
            `section completeness ${(r.sectionCompleteness * 100).toFixed(0)}%, mean length ${Math.round(r.meanChars)} chars, ${fmtS(r.seconds)}\n`,
        );
      }
      // Written before the downstream bench too, so a failed or interrupted bench keeps the planner numbers.
      const save = () => flags.out && writeFileSync(flags.out, `${JSON.stringify(report, null, 2)}\n`);
      save();
      if (flags.coder) {
        report.downstream = await runDownstream(ft, {
          base: flags.base,
          adapterGguf: flags.adapter,
          coder: flags.coder,
          tasks: tasks.map((t) => t.dir),
          out: resolve(flags.benchOut!),
          repeats,
          ...(benchMaxTokens ? { maxTokens: benchMaxTokens } : {}),
        });
        printDownstream(report.downstream);
        save();
      }
    });
}

/** `finetune eval --instructions`: base vs adapter on the corpus's held-out competitions (and sample inputs). */
async function evalInstructions(ft: Finetune, flags: EvalFlags): Promise<void> {
  const corpusDir = flags.corpus ?? ft.readSidecar(flags.adapter)?.corpusDir;
  if (!corpusDir) throw new UserFacingError("--instructions needs --corpus <dir> (the corpus whose held-out competitions are asked)");
  const corpus = userInput(() => ft.readCorpus(corpusDir));
  // Held-out means held out of *this adapter's* training: said when the adapter came from another corpus.
  const trainedOn = ft.readSidecar(flags.adapter)?.corpusDir;
  if (trainedOn && resolve(trainedOn) !== resolve(corpusDir)) {
    process.stderr.write(`warning: the adapter was trained on ${trainedOn}, not ${corpusDir}: its held-out competitions may have been in training\n`);
  }
  const places = flags.places.split(",").map((p) => int("--places", p.trim(), 1)!);
  const contextSize = int("--context-size", flags.contextSize, 256)!;
  const competitions = int("--competitions", flags.competitions, 1);
  const report = await ft.evaluateInstructions({
    base: flags.base,
    adapterGguf: flags.adapter,
    corpusDir,
    card: corpus.card,
    pairs: corpus.pairs,
    places,
    ...(competitions ? { competitions } : {}),
    ...(flags.sampleInputs ? { sampleInputs: flags.sampleInputs } : {}),
    maxTokens: int("--max-tokens", flags.maxTokens, 16)!,
    createTeam: (spec) => realTeam(spec, "planner", undefined, contextSize),
    onAnswer: (a) =>
      process.stderr.write(
        `${a.planner} ${a.item} place ${a.place}: ${a.parsed ? "parsed" : "no parse"}, ${Math.round(a.completeness * 3)}/3 sections, ${a.words} words` +
          `${a.rougeL === null ? "" : `, ROUGE-L ${a.rougeL.toFixed(3)}`}\n`,
      ),
  });
  process.stdout.write(`${ft.instructionTable(report)}\n`);
  const out = flags.out ?? "eval.json";
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`wrote ${out}\n`);
}
