// `linguacodus finetune corpus | train | export | eval`: the fine-tuned planner of the paper, as a thin layer over
// finetune/. Models load through the agents' providers (every extractor call lands in the corpus's
// transcripts.jsonl); the Python recipe runs in a venv under ~/.linguacodus/venvs/finetune. eval: finetune-eval.ts.
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { UserFacingError } from "../failure.js";
import { registerFinetuneEval } from "./finetune-eval.js";
import { fmtS, home, int, num, python, realTeam, userInput } from "./finetune-common.js";

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
  loadIn4bit?: string;
  seed?: string;
  threads?: string;
  limit?: string;
  resume?: boolean;
  nice?: string;
  venv?: string;
  profile?: string;
  loraTargets?: string;
  optim?: string;
  memoryBudgetGb?: string;
  memoryFit?: string;
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
    .option("--load-in-4bit <mode>", "auto (NF4 where CUDA is present), yes or no (default auto, or the profile's)")
    .option("--seed <n>", "training seed")
    .option("--threads <n>", "CPU threads for torch")
    .option("--limit <n>", "use only the first N training pairs")
    .option("--nice <n>", "run the recipe at this CPU niceness (e.g. 19 on a shared machine)")
    .option("--venv <dir>", "the recipe's Python environment (default ~/.linguacodus/venvs/finetune)")
    .option("--resume", "continue from the last checkpoint in <out>/checkpoints")
    .option("--profile <name>", "ready-made settings: cpu (tokens/s on a few cores) or paper (Table A.3 on a CUDA GPU: NF4, paged AdamW); flags override")
    .option("--lora-targets <modules>", "comma-separated modules LoRA adapts (default: all seven projections)")
    .option("--optim <name>", "optimizer (transformers name; default adamw_torch, the paper profile paged_adamw_32bit)")
    .option("--memory-budget-gb <x>", "memory the run may use (default: 85% of what is free when it starts)")
    .option("--memory-fit <mode>", "auto: the longest sequence, then the largest batch, the memory estimate fits; check: refuse with the numbers (default when --batch-size or --max-length is given); off")
    .action(async (flags: TrainFlags, command: Command) => {
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
      // Only when given: a profile's choice stands otherwise.
      const given = (name: string) => command.getOptionValueSource(name) === "cli";
      if (given("gradientCheckpointing")) hp.gradientCheckpointing = flags.gradientCheckpointing;
      if (given("groupByLength")) hp.groupByLength = flags.groupByLength;
      if (flags.loraTargets !== undefined) hp.loraTargets = flags.loraTargets;
      if (flags.optim !== undefined) hp.optim = flags.optim;
      const profiles = Object.keys(ft.TRAIN_PROFILES);
      if (flags.profile !== undefined && !profiles.includes(flags.profile)) throw new UserFacingError(`--profile must be one of ${profiles.join(", ")} (got '${flags.profile}')`);
      const memoryFit = flags.memoryFit ?? (flags.batchSize !== undefined || flags.maxLength !== undefined ? "check" : "auto");
      if (!["auto", "check", "off"].includes(memoryFit)) throw new UserFacingError(`--memory-fit must be auto, check or off (got '${memoryFit}')`);
      const memoryBudgetGb = num("--memory-budget-gb", flags.memoryBudgetGb);
      if (flags.loadIn4bit !== undefined && !["auto", "yes", "no"].includes(flags.loadIn4bit)) throw new UserFacingError(`--load-in-4bit must be auto, yes or no (got '${flags.loadIn4bit}')`);
      userInput(() => ft.readCorpus(flags.corpus));
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
          ...(flags.loadIn4bit !== undefined ? { loadIn4bit: flags.loadIn4bit as "auto" | "yes" | "no" } : {}),
          ...(flags.profile !== undefined ? { profile: flags.profile as import("../../finetune/index.js").TrainProfile } : {}),
          memoryFit: memoryFit as "auto" | "check" | "off",
          ...(memoryBudgetGb !== undefined ? { memoryBudgetGb } : {}),
          ...(seed !== undefined ? { seed } : {}),
          ...(threads !== undefined ? { threads } : {}),
          ...(limit !== undefined ? { limit } : {}),
          ...(nice !== undefined ? { nice } : {}),
          resume: flags.resume ?? false,
          onEvent: (e) => {
            if (e.event === "status") process.stderr.write(`${String(e.message)}\n`);
            if (e.event === "memory") {
              process.stderr.write(
                e.picked
                  ? `memory: ${String(e.message)}\n`
                  : `memory: estimated peak ${String(e.estimate_gb)} GB of ${e.budget_gb === null ? "? (unknown)" : `${String(e.budget_gb)} GB`} (batch ${String(e.batch_size)}, longest sequence ${String(e.longest_tokens)} tokens)\n`,
              );
            }
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
    .requiredOption("--adapter <dir>", "adapter folder from 'finetune train', or any PEFT LoRA folder (adapter_config.json + adapter_model.safetensors/.bin)")
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
  registerFinetuneEval(finetune);
}
