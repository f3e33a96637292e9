// Expands a bench request (tasks × modes × models × temperatures × repeats) into run keys with stable
// ids, so a resumed bench finds the runs it already has. Everything is validated before any run starts.
import { createHash } from "node:crypto";
import { AGENT_ROLES, parseModelSpec, roleModelSpec, specProvider, type AgentRole } from "../agents/index.js";
import { ABLATION_NAMES, MODE_NAMES, flagsOf, identifyingFlags, isModeName, type ModeFlags, type ModeName } from "./modes.js";

/** Bad bench input: the message names the value and how to fix it. */
export class BenchInputError extends Error {
  override name = "BenchInputError";
}

export interface TaskRef {
  id: string;
  /** Absolute task folder. */
  dir: string;
}

/** One model column of the matrix: a spec for every role, some roles possibly overridden. */
export interface ModelColumn {
  /** Short name used in run ids and reports. */
  label: string;
  /** Spec used by roles without an override. */
  all: string;
  overrides: Partial<Record<AgentRole, string>>;
}

export interface RunKey {
  /** Stable id: same inputs → same id (the run folder name under `<bench>/runs/`). */
  id: string;
  task: TaskRef;
  mode: ModeName;
  /** The mode's run options (a part of execution's run options). */
  flags: ModeFlags;
  model: ModelColumn;
  /** null = the model's default temperature. */
  temperature: number | null;
  seed: number;
  /** 0-based repeat index; runs with the same repeat share a seed across modes, so they pair. */
  repeat: number;
}

export interface MatrixRequest {
  tasks: TaskRef[];
  modes: ModeName[];
  models: ModelColumn[];
  /** Empty = one column at the model's default temperature. */
  temperatures: number[];
  repeats: number;
  /** Seed of repeat 0; repeat r uses baseSeed + r. */
  baseSeed: number;
}

/** Checks the form of a model spec (agents' parser); whether it loads is checked by preflight. */
export function checkSpecSyntax(spec: string): string | undefined {
  try {
    parseModelSpec(spec);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Parses one model column: a plain spec (all roles), or `;`-separated `role=spec` parts with optional
 * `all=spec` and `label=name`, e.g. `label=mix;all=openai:gpt-4o;planner=gguf:/m/p.gguf`.
 */
export function parseModelColumn(text: string): ModelColumn {
  const trimmed = text.trim();
  if (!trimmed) throw new BenchInputError("empty model column in --models");
  const looksKeyed = /^(label|all|[a-z]+)=/.test(trimmed) && specProvider(trimmed) === undefined;
  if (!looksKeyed) {
    const problem = checkSpecSyntax(trimmed);
    if (problem) throw new BenchInputError(`--models: ${problem}`);
    return { label: labelOfSpec(trimmed), all: trimmed, overrides: {} };
  }
  let label: string | undefined;
  let all: string | undefined;
  const overrides: Partial<Record<AgentRole, string>> = {};
  for (const part of trimmed.split(";").map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf("=");
    if (eq < 0) throw new BenchInputError(`--models '${text}': part '${part}' is not key=value`);
    const key = part.slice(0, eq);
    const value = part.slice(eq + 1);
    if (key === "label") {
      label = value;
      continue;
    }
    const problem = checkSpecSyntax(value);
    if (problem) throw new BenchInputError(`--models '${text}': ${problem}`);
    if (key === "all") all = value;
    else if ((AGENT_ROLES as readonly string[]).includes(key)) overrides[key as AgentRole] = value;
    else throw new BenchInputError(`--models '${text}': unknown role '${key}' (use all, label or ${AGENT_ROLES.join(", ")})`);
  }
  if (!all) throw new BenchInputError(`--models '${text}': give 'all=SPEC' for the roles without an override`);
  return { label: label ?? labelOfSpec(all), all, overrides };
}

/** Applies role overrides given for every column (e.g. --planner SPEC). */
export function withOverrides(column: ModelColumn, overrides: Partial<Record<AgentRole, string>>): ModelColumn {
  for (const spec of Object.values(overrides)) {
    const problem = spec === undefined ? undefined : checkSpecSyntax(spec);
    if (problem) throw new BenchInputError(problem);
  }
  return { ...column, overrides: { ...column.overrides, ...overrides } };
}

/** The spec a role of a column uses: its override, its fallback role's (agents' ROLE_FALLBACKS), or `all`. */
export function specForRole(column: ModelColumn, role: AgentRole): string {
  return roleModelSpec({ ...column.overrides, default: column.all }, role) ?? column.all;
}

/** Model specs used by a column, one per distinct spec (for load checks). */
export function specsOf(column: ModelColumn): string[] {
  return [...new Set([column.all, ...Object.values(column.overrides)])];
}

export function labelOfSpec(spec: string): string {
  // A path or URL makes a poor label: keep the provider and the last path segment of what names the model
  // (a LoRA adapter names a GGUF column, so two adapters of one base model get two labels).
  let parsed;
  try {
    parsed = parseModelSpec(spec);
  } catch {
    return spec; // a recorded spec this version cannot parse is shown as written
  }
  const name =
    parsed.provider === "gguf"
      ? (parsed.lora ?? (parsed.source.kind === "file" ? parsed.source.path : parsed.source.file))
      : parsed.provider === "replay"
        ? parsed.path
        : parsed.model;
  const last = name.split(/[\\/]/).filter(Boolean).pop() ?? name;
  return `${parsed.provider}:${last.replace(/\.gguf$/, "")}`;
}

/** Parses mode names; `--ablation all` and ablation names add modes to the base list. */
export function parseModes(modes: string[], ablations: string[] = []): ModeName[] {
  const requested = [...modes, ...ablations.flatMap((a) => (a === "all" ? ABLATION_NAMES : [a]))];
  const out: ModeName[] = [];
  for (const name of requested.map((m) => m.trim()).filter(Boolean)) {
    if (!isModeName(name)) throw new BenchInputError(`unknown mode '${name}' (known: ${MODE_NAMES.join(", ")})`);
    if (!out.includes(name)) out.push(name);
  }
  if (out.length === 0) throw new BenchInputError("no modes given: use --modes linguacodus,direct");
  return out;
}

/** Parses `0,0.5,1` or a range `0:1:0.25` (start:stop:step, stop included). */
export function parseTemperatures(text: string): number[] {
  const out: number[] = [];
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const range = part.split(":");
    if (range.length === 3) {
      const [start, stop, step] = range.map(Number) as [number, number, number];
      if (![start, stop, step].every(Number.isFinite) || step <= 0 || stop < start)
        throw new BenchInputError(`--temperatures: bad range '${part}' (use start:stop:step with step > 0)`);
      // Round to avoid 0.30000000000000004 in ids and labels.
      for (let i = 0; start + i * step <= stop + 1e-9; i++) out.push(Math.round((start + i * step) * 1e6) / 1e6);
    } else {
      const value = Number(part);
      if (part === "" || !Number.isFinite(value)) throw new BenchInputError(`--temperatures: '${part}' is not a number`);
      out.push(value);
    }
  }
  for (const t of out) if (t < 0 || t > 2) throw new BenchInputError(`--temperatures: ${t} is outside [0, 2]`);
  return [...new Set(out)];
}

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9.-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40) || "x";
}

/** The stable id of a run: readable parts plus a hash of everything that defines the run. */
export function runIdOf(key: Omit<RunKey, "id">): string {
  const canonical = JSON.stringify({
    task: key.task.id,
    mode: key.mode,
    flags: identifyingFlags(key.flags),
    model: { all: key.model.all, overrides: Object.fromEntries(Object.entries(key.model.overrides).sort()) },
    temperature: key.temperature,
    seed: key.seed,
  });
  const hash = createHash("sha256").update(canonical).digest("hex").slice(0, 8);
  const temp = key.temperature === null ? "tdef" : `t${key.temperature}`;
  return [slug(key.task.id), key.mode, slug(key.model.label), temp, `s${key.seed}`, hash].join("__");
}

/** Expands the request into run keys, repeat-major (so a partial bench already covers every task and mode). */
export function expandMatrix(request: MatrixRequest): RunKey[] {
  if (request.tasks.length === 0) throw new BenchInputError("no tasks: give a suite name (all, lite) or task folders");
  if (request.models.length === 0) throw new BenchInputError("no models: give --models SPEC");
  if (!Number.isInteger(request.repeats) || request.repeats < 1)
    throw new BenchInputError(`--repeats must be a whole number ≥ 1 (got ${request.repeats})`);
  if (!Number.isInteger(request.baseSeed)) throw new BenchInputError(`--seed must be a whole number (got ${request.baseSeed})`);
  const taskIds = new Set<string>();
  for (const task of request.tasks) {
    if (taskIds.has(task.id)) throw new BenchInputError(`task '${task.id}' is given twice`);
    taskIds.add(task.id);
  }
  const labels = new Set<string>();
  for (const model of request.models) {
    if (labels.has(model.label))
      throw new BenchInputError(`two model columns share the label '${model.label}': name them with label=NAME;all=SPEC`);
    labels.add(model.label);
  }
  const temperatures: (number | null)[] = request.temperatures.length ? request.temperatures : [null];
  const keys: RunKey[] = [];
  for (let repeat = 0; repeat < request.repeats; repeat++)
    for (const task of request.tasks)
      for (const model of request.models)
        for (const temperature of temperatures)
          for (const mode of request.modes) {
            const partial = { task, mode, flags: flagsOf(mode), model, temperature, seed: request.baseSeed + repeat, repeat };
            keys.push({ id: runIdOf(partial), ...partial });
          }
  return keys;
}
