// MLE-bench's per-competition config.yaml (mlebench/competitions/<id>/config.yaml in a checkout), read with a
// YAML parser and checked with zod: only the fields linguacodus uses are required.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { z } from "zod";
import { describeZodIssues } from "../../core/index.js";
import { TaskFormatError } from "../task.js";

export const CompetitionConfigSchema = z
  .object({
    id: z.string().min(1),
    name: z.string().min(1).optional(),
    competition_type: z.string().optional(),
    awards_medals: z.boolean().optional(),
    description: z.string().optional(),
    dataset: z
      .object({
        answers: z.string().min(1),
        sample_submission: z.string().min(1).optional(),
        gold_submission: z.string().optional(),
      })
      .loose(),
    grader: z.object({ name: z.string().min(1), grade_fn: z.string().min(1).optional() }).loose(),
    preparer: z.string().optional(),
  })
  .loose();
export type CompetitionConfig = z.infer<typeof CompetitionConfigSchema>;

// The YAML parser (70 modules) is loaded on first use, not by every command that imports datasets (`grade`).
const requireLazily = createRequire(import.meta.url);
const parseYaml = (text: string): unknown => (requireLazily("yaml") as typeof import("yaml")).parse(text);

/** Parses config.yaml text; throws TaskFormatError naming the file and each bad field. */
export function parseCompetitionConfig(text: string, file = "config.yaml"): CompetitionConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new TaskFormatError(`${file} is not valid YAML (${(error as Error).message}); fix the syntax`);
  }
  const parsed = CompetitionConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = describeZodIssues(parsed.error).map((line) => `${file}: ${line}`);
    throw new TaskFormatError(`${file} is not an MLE-bench competition config: ${problems.join("; ")}`, problems);
  }
  return parsed.data;
}

export async function readCompetitionConfig(path: string): Promise<CompetitionConfig> {
  return parseCompetitionConfig(await readFile(path, "utf8"), path);
}
