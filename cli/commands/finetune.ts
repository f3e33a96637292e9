// `linguacodus finetune corpus | train | export | eval`: the fine-tuned planner of the paper, as a thin layer over
// finetune/. Models load through the agents' providers (every extractor call lands in the corpus's
// transcripts.jsonl); the Python recipe runs in a venv under ~/.linguacodus/venvs/finetune.
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { UserFacingError } from "../failure.js";
import { BENCH_FLAGS, RUN_FLAGS, addFlag, flagValue, readFlag, readFlagOrDefault, wholeNumber } from "../flags.js";
import { defaultPaths } from "../paths.js";
import { printDownstream, runDownstream } from "./finetune-downstream.js";

// Numbers through the CLI's one flag parser (cli/flags.ts).
const int = (flag: string, value: string | undefined, min: number): number | undefined => (value === undefined ? undefined : flagValue(flag, value, wholeNumber(min)));
const num = (flag: string, value: string | undefined): number | undefined => (value === undefined ? undefined : flagValue(flag, value, z.number()));

const fmtS = (s: number | null | undefined) =>
  s === null || s === undefined ? "?" : s < 90 ? `${Math.round(s)}s` : s < 5400 ? `${Math.round(s / 60)}m` : `${(s / 3600).toFixed(1)}h`;

/** The downstream bench's --max-tokens, under its own name (eval's --max-tokens caps the planner answers). */
const BENCH_MAX_TOKENS = { ...RUN_FLAGS.maxTokens.def, flag: "--bench-max-tokens <n>" };

const home = () => defaultPaths();
const venvDir = (flag?: string) => resolve(flag ?? join(home().home, "venvs", "finetune"));

async function python(venv?: string): Promise<string> {
  const { ensureVenv } = await import("../../finetune/index.js");
  return ensureVenv({ dir: venvDir(venv), log: (line) => process.stderr.write(`${line}\n`) });
}

/** A team with real providers whose every role is `spec`; transcripts to `transcriptsPath` (or kept in memory). */
async function realTeam(spec: string, role: "extractor" | "planner", transcriptsPath?: string, contextSize = 4096) {
  const agents = await import("../../agents/index.js");
  return agents.createAgentTeam({
    models: { [role]: spec, default: spec },
    transcript: transcriptsPath ? agents.createJsonlTranscriptSink(transcriptsPath) : agents.createMemoryTranscriptSink(),
    providers: { gguf: { modelsDir: home().models, contextSize }, envFile: ".env" },
  });
}

interface CorpusFlags {
  from: string[];
  out: string;
  extractor?: string;
  topK: string;
  validationShare: string;
  concurrency: string;
  limit?: string;
  maxTokens: string;
  resume?: boolean;
  tasksDir?: string;
  contextSize: string;
  unknownPlace: string;
}

interface TrainFlags {
  corpus: string;
  base: string;
  out: string;
  loraR?: string;
  loraAlpha?: string;
  loraDropout?: string;
  learningRate?: string;
  warmupRatio?: string;
  weightDecay?: string;
  maxGradNorm?: string;
  batchSize?: string;
  epochs?: string;
  maxSteps?: string;
  maxLength?: string;
  saveSteps?: string;
  loggingSteps?: string;
  gradientCheckpointing: boolean;
  groupByLength: boolean;
  loadIn4bit: string;
  seed?: string;
  threads?: string;
  limit?: string;
  resume?: boolean;
  nice?: string;
  venv?: string;
}

interface EvalFlags {
  adapter: string;
  base: string;
  tasks: string[];
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

export function registerFinetune(program: Command): void {
  const finetune = program
    .command("finetune")
    .description("Fine-tune the planner as the paper does: corpus of scored solutions → LoRA → GGUF adapter → eval");

  finetune
    .command("corpus")
    .description("Build pairs.jsonl (the paper's prompt → instruction) from scored solutions, with an extractor model")
    .requiredOption(
      "--from <sources...>",
      "Code4ML folder, runs/bench folder, plain <competition>/ folder, builtin[:ids], or pre-extracted pairs: pairs:<file> (the paper's CSV, or JSONL of prompt/completion or messages; a .jsonl or a CSV with a prompt column is detected)",
    )
    .requiredOption("--out <dir>", "corpus folder (pairs.jsonl, corpus.json, transcripts.jsonl, cache/)")
    .option("--extractor <spec>", "model that reads each solution (default: the embedded model), or 'static' (no model: the calls the code makes)")
    .option("--top-k <n>", "solutions kept per competition, best first", "75")
    .option("--validation-share <x>", "share of competitions held out for validation", "0.1")
    .option("--concurrency <n>", "extractor calls in flight", "2")
    .option("--limit <n>", "at most N solutions in all (best ranks of every competition first)")
    .option("--max-tokens <n>", "cap on each extractor answer", "512")
    .option("--context-size <n>", "context window of a gguf extractor", "4096")
    .option("--tasks-dir <dir>", "prepared built-in tasks (for builtin)")
    .option("--resume", "continue an existing corpus folder (cached extractions are never repeated)")
    .option("--unknown-place <keep|drop>", "pairs whose place word is not recognised: keep with rank unknown, or drop", "keep")
    .action(async (flags: CorpusFlags) => {
      if (flags.unknownPlace !== "keep" && flags.unknownPlace !== "drop") throw new UserFacingError(`--unknown-place must be keep or drop (got '${flags.unknownPlace}')`);
      const ft = await import("../../finetune/index.js");
      const agents = await import("../../agents/index.js");
      const { SingleBar, Presets } = (await import("cli-progress")).default;
      const extractor = flags.extractor ?? agents.defaultModelSpec(home().models);
      const bar = new SingleBar(
        { format: "extracting [{bar}] {value}/{total} solutions  cached {cached}  failed {failed}  ETA {eta_text}", stream: process.stderr, hideCursor: true, noTTYOutput: true, notTTYSchedule: 15_000 },
        Presets.shades_classic,
      );
      let started = false;
      try {
        const result = await ft.buildCorpus(
          {
            from: flags.from,
            out: flags.out,
            extractor,
            topK: int("--top-k", flags.topK, 1)!,
            validationShare: num("--validation-share", flags.validationShare)!,
            concurrency: int("--concurrency", flags.concurrency, 1)!,
            ...(flags.limit !== undefined ? { limit: int("--limit", flags.limit, 1)! } : {}),
            maxTokens: int("--max-tokens", flags.maxTokens, 16)!,
            temperature: 0,
            seed: 0,
            tasksDir: resolve(flags.tasksDir ?? home().tasks),
            resume: flags.resume ?? false,
            unknownPlace: flags.unknownPlace,
          },
          {
            createTeam: ({ spec, transcriptsPath }) => realTeam(spec, "extractor", transcriptsPath, int("--context-size", flags.contextSize, 256)),
            onProgress: (p) => {
              const payload = { cached: p.cached, failed: p.failed, eta_text: fmtS(p.etaSeconds) };
              if (!started) {
                bar.start(p.total, p.done, payload);
                started = true;
              } else bar.update(p.done, payload);
            },
          },
        );
        if (started) bar.stop();
        const c = result.card;
        process.stdout.write(
          `corpus ${result.dir}: ${c.pairs} pairs (${c.counts.bySplit.train ?? 0} train, ${c.counts.bySplit.validation ?? 0} validation) from ` +
            `${c.competitions.train.length + c.competitions.validation.length} competitions; ${c.dropped.length} dropped (see corpus.json); ` +
            `${result.extractorCalls} extractor calls\n`,
        );
        for (const w of c.warnings ?? []) process.stdout.write(`  kept: ${w.origin}: ${w.reason}\n`);
        if (c.plannerPrompt) process.stdout.write(`  prompt template read from the corpus (${c.plannerPrompt.rowsMatching}/${c.plannerPrompt.rows} prompts match it): stored in corpus.json\n`);
      } catch (error) {
        if (started) bar.stop();
        if (error instanceof ft.CorpusError || error instanceof ft.CorpusSourceError) throw new UserFacingError(error.message);
        throw error;
      }
    });

  finetune
    .command("train")
    .description("Train a LoRA adapter on a corpus (transformers + peft; the paper's Table A.3 defaults)")
    .requiredOption("--corpus <dir>", "corpus folder from 'finetune corpus'")
    .requiredOption("--base <model>", "base model: a .gguf file (dequantized once, cached) or a Hugging Face folder")
    .requiredOption("--out <dir>", "adapter folder (PEFT adapter, adapter_card.json, checkpoints/)")
    .option("--lora-r <n>", "LoRA attention dimension (paper: 64)")
    .option("--lora-alpha <x>", "LoRA alpha (paper: 16)")
    .option("--lora-dropout <x>", "LoRA dropout (paper: 0.1)")
    .option("--learning-rate <x>", "initial learning rate (paper: 2e-4, constant)")
    .option("--warmup-ratio <x>", "linear warmup share of the steps (paper: 0.03)")
    .option("--weight-decay <x>", "AdamW weight decay (paper: 0.001)")
    .option("--max-grad-norm <x>", "gradient clipping (paper: 0.3)")
    .option("--batch-size <n>", "sequences per step (paper: 4)")
    .option("--epochs <x>", "epochs (paper: 1)")
    .option("--max-steps <n>", "stop after N steps (overrides epochs)")
    .option("--max-length <n>", "tokens per sequence, 0 = no limit (paper: none)")
    .option("--save-steps <n>", "checkpoint every N steps (paper: 500)")
    .option("--logging-steps <n>", "log the loss every N steps (paper: 25)")
    .option("--no-gradient-checkpointing", "turn gradient checkpointing off (faster, more memory)")
    .option("--no-group-by-length", "random batches instead of grouping by length")
    .option("--load-in-4bit <mode>", "auto (NF4 where CUDA is present), yes or no", "auto")
    .option("--seed <n>", "training seed")
    .option("--threads <n>", "CPU threads for torch")
    .option("--limit <n>", "use only the first N training pairs")
    .option("--nice <n>", "run the recipe at this CPU niceness (e.g. 19 on a shared machine)")
    .option("--venv <dir>", "the recipe's Python environment (default ~/.linguacodus/venvs/finetune)")
    .option("--resume", "continue from the last checkpoint in <out>/checkpoints")
    .action(async (flags: TrainFlags) => {
      const ft = await import("../../finetune/index.js");
      const hp: Partial<import("../../finetune/index.js").Hyperparameters> = {};
      const set = <K extends keyof typeof hp>(key: K, value: (typeof hp)[K] | undefined) => {
        if (value !== undefined) hp[key] = value;
      };
      set("loraR", int("--lora-r", flags.loraR, 1));
      set("loraAlpha", num("--lora-alpha", flags.loraAlpha));
      set("loraDropout", num("--lora-dropout", flags.loraDropout));
      set("learningRate", num("--learning-rate", flags.learningRate));
      set("warmupRatio", num("--warmup-ratio", flags.warmupRatio));
      set("weightDecay", num("--weight-decay", flags.weightDecay));
      set("maxGradNorm", num("--max-grad-norm", flags.maxGradNorm));
      set("batchSize", int("--batch-size", flags.batchSize, 1));
      set("epochs", num("--epochs", flags.epochs));
      set("maxSteps", int("--max-steps", flags.maxSteps, 1));
      set("maxLength", int("--max-length", flags.maxLength, 0));
      set("saveSteps", int("--save-steps", flags.saveSteps, 1));
      set("loggingSteps", int("--logging-steps", flags.loggingSteps, 1));
      hp.gradientCheckpointing = flags.gradientCheckpointing;
      hp.groupByLength = flags.groupByLength;
      if (!["auto", "yes", "no"].includes(flags.loadIn4bit)) throw new UserFacingError(`--load-in-4bit must be auto, yes or no (got '${flags.loadIn4bit}')`);
      try {
        ft.readCorpus(flags.corpus);
      } catch (error) {
        throw new UserFacingError((error as Error).message);
      }
      const py = await python(flags.venv);
      const seed = int("--seed", flags.seed, 0);
      const threads = int("--threads", flags.threads, 1);
      const limit = int("--limit", flags.limit, 1);
      const nice = int("--nice", flags.nice, 0);
      try {
        const result = await ft.trainAdapter({
          corpus: flags.corpus,
          base: flags.base,
          out: flags.out,
          python: py,
          cacheDir: join(home().home, "cache", "finetune-bases"),
          hyperparameters: hp,
          loadIn4bit: flags.loadIn4bit as "auto" | "yes" | "no",
          ...(seed !== undefined ? { seed } : {}),
          ...(threads !== undefined ? { threads } : {}),
          ...(limit !== undefined ? { limit } : {}),
          ...(nice !== undefined ? { nice } : {}),
          resume: flags.resume ?? false,
          onEvent: (e) => {
            if (e.event === "status") process.stderr.write(`${String(e.message)}\n`);
            if (e.event === "start") {
              process.stderr.write(
                `training on ${String(e.train_pairs)} pairs (${String(e.validation_pairs)} validation), ${String(e.total_steps)} steps, ` +
                  `${String(e.trainable_parameters)} trainable parameters, ${e.cuda ? "CUDA" : "CPU"}${e.four_bit ? ", 4-bit NF4" : ""}\n`,
              );
            }
            if (e.event === "loss") process.stderr.write(`loss at step ${String(e.step)}: ${Number(e.loss).toFixed(4)}\n`);
            if (e.event === "step") {
              const loss = typeof e.loss === "number" ? e.loss.toFixed(4) : "–";
              process.stderr.write(
                `step ${String(e.step)}/${String(e.total_steps)}  loss ${loss}  ${String(e.tokens_per_second)} tokens/s  ` +
                  `${String(e.seconds_per_step)} s/step  ETA ${fmtS(e.eta_seconds as number | null)}\n`,
              );
            }
          },
        });
        const c = result.card;
        process.stdout.write(
          `adapter ${result.adapterDir}: ${c.steps} steps in ${fmtS(c.seconds)}, train loss ${c.train_loss?.toFixed(4) ?? "?"}, ` +
            `validation loss ${c.validation_loss?.toFixed(4) ?? "n/a"}, ${c.tokens_per_second ?? "?"} tokens/s\n` +
            `next: linguacodus finetune export --adapter ${result.adapterDir} --base <model.gguf> --out <adapter.gguf>\n`,
        );
      } catch (error) {
        if (error instanceof ft.RecipeError) throw new UserFacingError(error.message);
        throw error;
      }
    });

  finetune
    .command("export")
    .description("Write the adapter as a llama.cpp LoRA GGUF, load it with its base in node-llama-cpp, print the spec")
    .requiredOption("--adapter <dir>", "adapter folder from 'finetune train'")
    .requiredOption("--base <model.gguf>", "the base GGUF the adapter runs on")
    .requiredOption("--out <adapter.gguf>", "output file")
    .option("--no-check", "skip loading base + adapter in node-llama-cpp")
    .option("--venv <dir>", "the recipe's Python environment")
    .action(async (flags: { adapter: string; base: string; out: string; check: boolean; venv?: string }) => {
      const ft = await import("../../finetune/index.js");
      const py = await python(flags.venv);
      let result;
      try {
        result = await ft.exportAdapter({ adapter: flags.adapter, base: flags.base, out: flags.out, python: py });
      } catch (error) {
        if (error instanceof ft.RecipeError) throw new UserFacingError(error.message);
        throw error;
      }
      process.stdout.write(`wrote ${result.adapterGguf}: ${result.tensors} tensors (${result.architecture})\n`);
      if (flags.check) {
        const check = await ft.checkAdapterLoads(flags.base, result.adapterGguf, (spec) => realTeam(spec, "planner"));
        process.stdout.write(
          `loaded base + adapter in node-llama-cpp; greedy output ${check.differs ? "differs from" : "is the SAME as"} the base's\n` +
            `  base:    ${JSON.stringify(check.base.slice(0, 160))}\n  adapter: ${JSON.stringify(check.adapted.slice(0, 160))}\n`,
        );
      }
      process.stdout.write(`planner spec: ${result.spec}\n  e.g. linguacodus run <task> --planner '${result.spec}' --planner-prompt paper\n`);
    });

  const evalCommand = finetune
    .command("eval")
    .description("Base vs fine-tuned planner (paper prompt, one call per rank) on tasks not in the corpus")
    .requiredOption("--adapter <adapter.gguf>", "exported adapter")
    .requiredOption("--base <model.gguf>", "its base model")
    .requiredOption("--tasks <tasks...>", "suite (lite, all), built-in ids or task folders")
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
      const { resolveTasks } = await import("../../benchmarks/tasks.js");
      const { loadTask } = await import("../../datasets/index.js");
      const sidecar = ft.readSidecar(flags.adapter);
      const competitions = flags.corpus ? [...new Set(ft.readCorpus(flags.corpus).pairs.map((p) => p.competition))] : sidecar?.competitions;
      if (!competitions) {
        throw new UserFacingError(`${ft.sidecarPath(flags.adapter)} not found: pass --corpus <dir> so eval can refuse tasks the adapter was trained on.`);
      }
      const refs = await resolveTasks(flags.tasks, { tasksDir: home().tasks, log: (l) => process.stderr.write(`${l}\n`) });
      const tasks = await Promise.all(refs.map((r) => loadTask(r.dir)));
      try {
        ft.checkNoOverlap(tasks.map((t) => t.spec.id), competitions);
      } catch (error) {
        throw new UserFacingError((error as Error).message);
      }
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
