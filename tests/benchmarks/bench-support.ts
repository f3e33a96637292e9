// Scripted answers that solve any built-in regression or classification task (tests only): a random forest on
// the numeric columns for linguacodus mode (with a KeyError on seed 1 that the fixer repairs), and a constant
// prediction for direct mode — so the two modes score differently and the paired comparison has material.
import { cpSync, existsSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { loadTask, recordReferenceScores, resolveTask, runPythonInSandbox, type ScriptSandbox } from "../../datasets/index.js";
import type { RunDependencies } from "../../execution/index.js";
import { expandMatrix, parseModelColumn, type ModeName, type RunKey } from "../../benchmarks/index.js";
import { createDockerSandbox, dockerClient } from "../../sandbox/index.js";
import { fence } from "../support/fence.js";
import type { ScriptedChatModel, Script } from "../support/scripted-model.js";
import { withScriptedModels } from "../support/scripted-team.js";
import { INSTRUCTIONS, VERDICT, callKind } from "../pipeline/support.js";


/** A random forest on the numeric columns (the target named by `targetExpr`, a Python expression). */
export const forest = (seed: number, targetExpr: string) => `import pandas as pd
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor


def main():
    # === stage: preprocessing ===
    train = pd.read_csv("/data/train.csv")
    test = pd.read_csv("/data/test.csv")
    sample = pd.read_csv("/data/sample_submission.csv")
    id_column, target = sample.columns[0], ${targetExpr}
    features = [c for c in train.select_dtypes("number").columns if c not in (id_column, target) and c in test.columns]
    # === stage: model ===
    regression = pd.api.types.is_numeric_dtype(train[target])
    model = (RandomForestRegressor if regression else RandomForestClassifier)(n_estimators=30, max_depth=6, random_state=${seed})
    # === stage: training ===
    model.fit(train[features].fillna(0), train[target])
    # === stage: submission ===
    pd.DataFrame({id_column: test[id_column], target: model.predict(test[features].fillna(0))}).to_csv("submission.csv", index=False)


if __name__ == "__main__":
    main()
`;

export const CONSTANT = `import pandas as pd

train = pd.read_csv("/data/train.csv")
sample = pd.read_csv("/data/sample_submission.csv")
target = sample.columns[1]
column = train[target]
sample[target] = column.median() if pd.api.types.is_numeric_dtype(column) else column.mode()[0]
sample.to_csv("submission.csv", index=False)
`;

/** linguacodus: planner, critic, 4 blocks, merger (buggy on seed 1), fix. direct: the constant script. */
export const benchScript: Script = (call) => {
  const { promptText, options } = call;
  const seed = options.seed ?? 0;
  switch (callKind(call)) {
    case "planner":
      return JSON.stringify(INSTRUCTIONS);
    case "critic":
      return JSON.stringify(VERDICT);
    case "coder:preprocessing":
    case "coder:model":
    case "coder:training":
    case "coder:submission":
      return fence("pass  # the merger writes the whole script in this scripted run");
    case "merge":
      return fence(forest(seed, seed === 1 ? 'sample.columns["target"]' : "sample.columns[1]"));
    case "fix":
      return fence(promptText.includes("RandomForest") ? forest(seed, "sample.columns[1]") : CONSTANT);
    case "direct":
      return fence(CONSTANT);
    default:
      throw new Error(`unscripted prompt: ${promptText.slice(0, 200)}`);
  }
};

/** Real dependencies with the models replaced by the scripted one (all roles). */
export function scriptedBenchDeps(real: RunDependencies): RunDependencies & { model: ScriptedChatModel } {
  return withScriptedModels(real, benchScript);
}

/**
 * Copies built-in tasks into `root` with reference scores recorded the way `tasks prepare` records them: the
 * constant and model baselines of datasets/baselines.ts run in `sandbox` and are graded by the real grader. The
 * baselines take minutes on a loaded 2-core machine, so a task is scored once into `<cacheDir>.references/<id>`
 * and copied from there afterwards.
 */
export async function tasksWithReferences(
  ids: string[],
  root: string,
  cacheDir: string,
  /** Where the baselines run when a task's references are not cached yet; default: a Docker sandbox opened here. */
  sandbox?: ScriptSandbox,
): Promise<{ id: string; dir: string; constant: number; model: number }[]> {
  const out = [];
  for (const id of ids) {
    const scored = join(`${cacheDir}.references`, id);
    if (!existsSync(join(scored, "task.json")) || !(await loadTask(scored)).spec.reference_scores) {
      const source = await resolveTask(id, cacheDir);
      const staging = `${scored}.${process.pid}`;
      rmSync(staging, { recursive: true, force: true });
      cpSync(source.dir, staging, { recursive: true });
      // Whichever test file needs these first computes them (file order is not fixed on a fresh machine).
      const own = sandbox ? null : await createDockerSandbox({ docker: dockerClient(), reuse: false });
      const reports = await recordReferenceScores([await loadTask(staging)], runPythonInSandbox((sandbox ?? own)!, 900)).finally(() => own?.close());
      if (!reports[id]?.scores)
        throw new Error(`reference scores of ${id} were not recorded: ${[reports[id]?.constant, reports[id]?.model].flatMap((r) => r?.errors ?? []).join("; ")}`);
      rmSync(scored, { recursive: true, force: true });
      renameSync(staging, scored);
    }
    const dir = join(root, id);
    cpSync(scored, dir, { recursive: true });
    // What the report reads back is what the baselines recorded in task.json.
    const recorded = (await loadTask(dir)).spec.reference_scores!;
    out.push({ id, dir, constant: recorded.constant, model: recorded.model });
  }
  return out;
}

/** The cells of `tasks × modes × repeats` for the scripted model column (default temperature, seeds from 1). */
export function scriptedKeys(input: { tasks: readonly { id: string; dir: string }[]; modes: ModeName[]; repeats?: number }): RunKey[] {
  const tasks = input.tasks.map((t) => ({ id: t.id, dir: t.dir }));
  return expandMatrix({ tasks, modes: input.modes, models: [parseModelColumn("label=scripted;all=openai:scripted")], temperatures: [], repeats: input.repeats ?? 1, baseSeed: 1 });
}
