// The sbatch script of a Slurm bench: one job array, one array task per cell. Written into the bench folder so a
// user can read it or resubmit it with plain `sbatch`. Pure: text in, text out.

import type { SlurmResources } from "../options.js";

export type { SlurmResources };

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
  /** Slurm's `--output` pattern. */
  logPattern: string;
  /** Docker sandbox: the image every node must have; undefined for `--sandbox local`. */
  image?: { tag: string; tarball?: string; buildCommand: readonly string[] };
  jobName?: string;
}

/** Single-quotes a word for bash. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
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

/** The #SBATCH lines for the resources (the array line comes separately). */
export function sbatchDirectives(resources: SlurmResources): string[] {
  const lines: string[] = [];
  if (resources.partition) lines.push(`--partition=${resources.partition}`);
  if (resources.time) lines.push(`--time=${resources.time}`);
  lines.push(`--cpus-per-task=${resources.cpus ?? 1}`);
  if (resources.mem) lines.push(`--mem=${resources.mem}`);
  if (resources.gpus) lines.push(`--gpus=${resources.gpus}`);
  if (resources.extra) lines.push(...splitSbatchArgs(resources.extra));
  return lines;
}

export function renderJobScript(input: JobScriptInput): string {
  const q = shellQuote;
  const throttle = input.resources.maxRunning ? `%${input.resources.maxRunning}` : "";
  const directives = [
    `--job-name=${input.jobName ?? "linguacodus-bench"}`,
    `--array=0-${input.cellCount - 1}${throttle}`,
    `--output=${input.logPattern}`,
    `--chdir=${input.cwd}`,
    ...sbatchDirectives(input.resources),
  ];
  const imageBlock = input.image
    ? [
        "# The node's Docker engine needs the sandbox image: loaded from the exported tarball, or built offline,",
        "# once per node (a lock in the node's /tmp keeps parallel array tasks from doing it twice).",
        `IMAGE=${q(input.image.tag)}`,
        'if ! docker image inspect "$IMAGE" >/dev/null 2>&1; then',
        '  exec 9>"${TMPDIR:-/tmp}/linguacodus-sandbox-image.lock"',
        "  flock 9",
        '  if ! docker image inspect "$IMAGE" >/dev/null 2>&1; then',
        ...(input.image.tarball
          ? [`    if [ -f ${q(input.image.tarball)} ]; then docker load -i ${q(input.image.tarball)}; else ${input.image.buildCommand.map(q).join(" ")}; fi`]
          : [`    ${input.image.buildCommand.map(q).join(" ")}`]),
        "  fi",
        "  flock -u 9",
        "fi",
      ]
    : ["# --sandbox local: no image needed (and NO isolation)."];
  return [
    "#!/bin/bash",
    ...directives.map((d) => `#SBATCH ${d}`),
    "# Written by `linguacodus bench --executor slurm`: one array task per bench cell, listed in the cells file.",
    `# Resubmit by hand with: sbatch ${q(`${input.cellsFile.replace(/\.cells\.json$/, ".sbatch")}`)}`,
    "set -euo pipefail",
    ...imageBlock,
    `exec ${input.cellCommand.map(q).join(" ")} ${q(input.benchDir)} --cells ${q(input.cellsFile)} --index "$SLURM_ARRAY_TASK_ID"`,
    "",
  ].join("\n");
}
