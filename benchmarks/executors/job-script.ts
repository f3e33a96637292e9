// The sbatch script of a Slurm bench: one job array, one array task per cell. Written into the bench folder so a
// user can read it or resubmit it with `sbatch` (the paths go on sbatch's command line: sbatchPathOptions). Pure:
// text in, text out (or a BenchInputError for what no job script can carry).
import { BenchInputError } from "../matrix.js";
import { buildCommandOf, sandboxImageTag, type SandboxProfile } from "../../sandbox/index.js";
import type { SlurmResources } from "../options.js";

export type { SlurmResources };

/** The image every node must have: loaded from `tarball` when missing, else built by `buildCommand`; with neither, the cell says how to build it. */
export interface CellImage {
  tag: string;
  tarball?: string;
  buildCommand?: readonly string[];
}

/** Whether a bench's cells run the deep profile's CUDA variant with GPUs: when the cells ask Slurm for GPUs (decided here, not by each node). */
export function cellUsesGpus(profile: SandboxProfile, resources: SlurmResources): boolean {
  return profile === "deep" && (resources.gpus ?? 0) > 0;
}

/**
 * The image of a bench's cells. The default image is built on a node that lacks it (offline, a few minutes); a
 * profile image is not (several minutes more, and its wheels): without a tarball to load, the cell fails with the
 * command that builds it (execution/wiring.ts requireProfileImage).
 */
export function slurmCellImage(args: { profile: SandboxProfile; resources: SlurmResources; cli: readonly string[]; tarball?: string }): CellImage {
  const variant = { cuda: cellUsesGpus(args.profile, args.resources) };
  return {
    tag: sandboxImageTag(args.profile, variant),
    ...(args.tarball ? { tarball: args.tarball } : {}),
    ...(args.profile === "default" ? { buildCommand: [...args.cli, ...buildCommandOf("default").split(" ").slice(1)] } : {}),
  };
}

export interface JobScriptInput {
  benchDir: string;
  /** File listing the cell ids, one per array index (JSON array). */
  cellsFile: string;
  cellCount: number;
  /** Working folder of the job (where relative task and replay paths were given). */
  cwd: string;
  /** The command that runs one cell: `<node> <cli> bench-cell`. */
  cellCommand: readonly string[];
  resources: SlurmResources;
  /** Where Slurm writes each array task's output (`<job>_<index>.out`); given to sbatch by sbatchPathOptions. */
  logDir: string;
  /** Docker sandbox: the image every node must have; undefined for `--sandbox local`. */
  image?: CellImage;
  jobName?: string;
}

/**
 * Quotes a word for bash, always on one line: single quotes, or ANSI-C `$'…'` when the word holds a control
 * character (a newline inside plain quotes would end a comment line and run the rest as a command).
 */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  if (!/[\x00-\x1f\x7f]/.test(word)) return `'${word.replace(/'/g, `'\\''`)}'`;
  const escaped = [...word]
    .map((c) => {
      const code = c.charCodeAt(0);
      if (c === "\\" || c === "'") return `\\${c}`;
      return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, "0")}` : c;
    })
    .join("");
  return `$'${escaped}'`;
}

/** Slurm's filename pattern of a literal path: `%` doubled (sbatch would expand `%j`, `%u`, …). */
function slurmPatternOf(path: string): string {
  return path.replace(/%/g, "%%");
}

/**
 * The options that carry paths (log pattern, working folder), given to sbatch on its command line: an #SBATCH line
 * cannot be quoted (a space ends the value, a newline ends the line), a command-line argument holds any byte but NUL.
 * A backslash would switch off Slurm's `%A_%a` in the log name, so such a bench folder is refused with the fix.
 */
export function sbatchPathOptions(input: Pick<JobScriptInput, "benchDir" | "logDir" | "cwd">): string[] {
  if (input.logDir.includes("\\")) {
    throw new BenchInputError(`the bench folder ${JSON.stringify(input.benchDir)} holds a backslash, which Slurm's --output reads as "no %-patterns": choose an --out without one`);
  }
  return [`--output=${slurmPatternOf(input.logDir)}/%A_%a.out`, `--chdir=${input.cwd}`];
}

/** Splits `--slurm-extra` into sbatch options; quoted values stay whole, a bare value joins its option. */
export function splitSbatchArgs(text: string): string[] {
  const words: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const m of text.matchAll(pattern)) words.push(m[1] ?? m[2] ?? m[3] ?? "");
  const options: string[] = [];
  for (const word of words) {
    if (word.startsWith("-") || options.length === 0) options.push(word);
    else options[options.length - 1] = `${options[options.length - 1]}=${word}`;
  }
  return options;
}

/** The #SBATCH lines for the resources (the array line comes separately); none may span lines. */
export function sbatchDirectives(resources: SlurmResources): string[] {
  const lines: string[] = [];
  if (resources.partition) lines.push(`--partition=${resources.partition}`);
  if (resources.time) lines.push(`--time=${resources.time}`);
  lines.push(`--cpus-per-task=${resources.cpus ?? 1}`);
  if (resources.mem) lines.push(`--mem=${resources.mem}`);
  if (resources.gpus) lines.push(`--gpus=${resources.gpus}`);
  if (resources.extra) lines.push(...splitSbatchArgs(resources.extra));
  const broken = lines.find((line) => /[\x00-\x1f\x7f]/.test(line));
  if (broken) throw new BenchInputError(`the Slurm option ${JSON.stringify(broken)} holds a newline or control character, which would end its #SBATCH line: give it on one line`);
  return lines;
}

export function renderJobScript(input: JobScriptInput): string {
  const q = shellQuote;
  const throttle = input.resources.maxRunning ? `%${input.resources.maxRunning}` : "";
  const directives = [
    `--job-name=${input.jobName ?? "linguacodus-bench"}`,
    `--array=0-${input.cellCount - 1}${throttle}`,
    ...sbatchDirectives(input.resources),
  ];
  const image = input.image;
  const fetchImage = image?.tarball
    ? `if [ -f ${q(image.tarball)} ]; then docker load -i ${q(image.tarball)};${image.buildCommand ? ` else ${image.buildCommand.map(q).join(" ")};` : ""} fi`
    : image?.buildCommand?.map(q).join(" ");
  const imageBlock = !image
    ? ["# --sandbox local: no image needed (and NO isolation)."]
    : !fetchImage
      ? [`# The sandbox image ${image.tag} is not built on a node (minutes, and its wheels): a cell on a node without it fails`, "# with the command that builds it (or pass --slurm-image with a tarball from 'linguacodus sandbox export')."]
      : [
        `# The node's Docker engine needs the sandbox image: loaded from the exported tarball${image.buildCommand ? ", or built offline," : " when it is there,"}`,
        "# once per node (a lock in the node's /tmp keeps parallel array tasks from doing it twice).",
        `IMAGE=${q(image.tag)}`,
        'if ! docker image inspect "$IMAGE" >/dev/null 2>&1; then',
        '  exec 9>"${TMPDIR:-/tmp}/linguacodus-sandbox-image.lock"',
        "  flock 9",
        '  if ! docker image inspect "$IMAGE" >/dev/null 2>&1; then',
        `    ${fetchImage}`,
        "  fi",
        "  flock -u 9",
        "fi",
      ];
  return [
    "#!/bin/bash",
    ...directives.map((d) => `#SBATCH ${d}`),
    "# Written by `linguacodus bench --executor slurm`: one array task per bench cell, listed in the cells file.",
    // The paths are sbatch arguments (sbatchPathOptions), quoted here on one line for a hand resubmission.
    `# Resubmit by hand with: sbatch ${[...sbatchPathOptions(input), input.cellsFile.replace(/\.cells\.json$/, ".sbatch")].map(q).join(" ")}`,
    "set -euo pipefail",
    ...imageBlock,
    `exec ${input.cellCommand.map(q).join(" ")} ${q(input.benchDir)} --cells ${q(input.cellsFile)} --index "$SLURM_ARRAY_TASK_ID"`,
    "",
  ].join("\n");
}
