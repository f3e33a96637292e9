// Shared pieces of the pipeline tests: a built-in task prepared once, the real Docker sandbox, scripted agent
// teams (C's scripted chat model through the real createAgentTeam), and the answers of a realistic solution.
import { mkdtempSync, rmSync } from "node:fs";
import { afterAll, beforeAll } from "vitest";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCallStep } from "../../agents/index.js";
import { grade, resolveTask, type Task } from "../../datasets/index.js";
import type { RunDependencies } from "../../execution/index.js";
import { SANDBOX_IMAGE_TAG, createDockerSandbox, dockerClient, readImageManifest, whitelistLines } from "../../sandbox/index.js";
import { ensureSandboxImage } from "../sandbox/engine-helpers.js";
import type { Sandbox } from "../../sandbox/types.js";
import { fence } from "../support/fence.js";
import type { Script, ScriptedCall, ScriptedChatModel } from "../support/scripted-model.js";
import { withScriptedModels } from "../support/scripted-team.js";
import { buildCli } from "../support/cli.js";
import { startOpenAiServer, type OpenAiTestServer } from "../support/openai-server.js";

export const TEST_LIBRARIES = ["numpy", "pandas", "scikit-learn (import sklearn)", "scipy"];

export async function builtinTask(id = "concrete-strength"): Promise<Task> {
  return resolveTask(id, join(tmpdir(), "linguacodus-test-tasks"));
}

/** The real Docker sandbox on the current recipe's image (built offline first when missing). */
export async function dockerSandbox(): Promise<Sandbox> {
  await ensureSandboxImage();
  return createDockerSandbox({ docker: dockerClient() });
}

/** The coders' whitelist as the CLI builds it, from the image's manifest. */
export async function imageLibraries(): Promise<string[]> {
  const docker = dockerClient();
  return whitelistLines(await readImageManifest(docker, SANDBOX_IMAGE_TAG));
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Dependencies whose models all answer from `script` (one shared scripted model, its calls recorded). */
export function scriptedDeps(sandbox: Sandbox, script: Script): RunDependencies & { model: ScriptedChatModel } {
  return withScriptedModels({ sandbox, grade, libraries: TEST_LIBRARIES }, script);
}

export const INSTRUCTIONS = {
  instructions: [
    {
      rank: 2,
      title: "Global median",
      dataPreprocessing: ["Read /data/train.csv and /data/test.csv"],
      modelArchitecture: ["Predict the median compressive strength of the training set"],
      modelTraining: ["Compute MAE on a held-out 20% split"],
      submission: ["Write id and compressive_strength to submission.csv"],
    },
    {
      rank: 1,
      title: "Median strength per concrete age",
      dataPreprocessing: ["Read /data/train.csv and /data/test.csv with the csv module", "Hold out the last 20% of training rows for validation"],
      modelArchitecture: ["A lookup table: median strength per age, global median as fallback"],
      modelTraining: ["Fit on 80%, report MAE on the held-out rows, refit on all rows"],
      submission: ["Predict each test row and write id, compressive_strength to submission.csv"],
    },
    {
      rank: 3,
      title: "Mean strength",
      dataPreprocessing: ["Read the data"],
      modelArchitecture: ["Predict the mean"],
      modelTraining: ["Fit on everything and score on the training data"],
      submission: ["Write submission.csv"],
    },
  ],
};

export const VERDICT = {
  candidates: [
    { rank: 1, findings: [] },
    { rank: 2, findings: [{ kind: "other", severity: "low", detail: "Ignores the strong effect of age on strength." }] },
    { rank: 3, findings: [{ kind: "wrong-metric", severity: "high", detail: "MAE is minimized by the median, not the mean; and it validates on training data." }] },
  ],
  chosenRank: 1,
  rationale: "Age drives strength; the per-age median is the MAE-optimal lookup.",
  refined: { ...INSTRUCTIONS.instructions[1], rank: 1, title: "Median strength per concrete age (refined)" },
};

export const BLOCKS = {
  preprocessing: `import csv
with open("/data/train.csv") as f:
    train = list(csv.DictReader(f))
with open("/data/test.csv") as f:
    test = list(csv.DictReader(f))
split = int(len(train) * 0.8)
fit_rows, valid_rows = train[:split], train[split:]`,
  // The realistic bug: the target column is "compressive_strength", not "strength".
  model: `import statistics
def build_model(rows):
    by_age = {}
    for r in rows:
        by_age.setdefault(r["age"], []).append(float(r["strength"]))
    overall = statistics.median(float(r["strength"]) for r in rows)
    return {age: statistics.median(v) for age, v in by_age.items()}, overall

def predict(model, row):
    table, overall = model
    return table.get(row["age"], overall)`,
  training: `model = build_model(fit_rows)
mae = sum(abs(predict(model, r) - float(r["compressive_strength"])) for r in valid_rows) / len(valid_rows)
print(f"VALIDATION_SCORE={mae:.4f}")
model = build_model(train)`,
  submission: `with open("submission.csv", "w", newline="") as f:
    writer = csv.writer(f)
    writer.writerow(["id", "compressive_strength"])
    for r in test:
        writer.writerow([r["id"], predict(model, r)])`,
};

const indent = (code: string) =>
  code
    .split("\n")
    .map((l) => (l.trim() === "" ? "" : `    ${l}`))
    .join("\n");

/** The model block's functions at module level, two blank lines apart (as a merger writes them). */
const moduleFunctions = BLOCKS.model.replace("import statistics\n", "").replaceAll("\n\ndef ", "\n\n\ndef ");

/** What the merger returns: the blocks in one main(), stage markers kept. */
export const MERGED_BUGGY = `import csv
import statistics


${moduleFunctions}


def main():
    # === stage: preprocessing ===
${indent(BLOCKS.preprocessing.replace("import csv\n", ""))}
    # === stage: training ===
${indent(BLOCKS.training)}
    # === stage: submission ===
${indent(BLOCKS.submission)}


if __name__ == "__main__":
    main()
`;

export const MERGED_FIXED = MERGED_BUGGY.replaceAll('r["strength"]', 'r["compressive_strength"]');

/**
 * Which step of the pipeline a call belongs to, read through agents' call-step vocabulary (parseCallStep):
 * planner, critic, critic:research|resolve, coder:<stage>, unstaged (the one coder of --unstaged), merge, fix,
 * direct, review.
 */
export function callKind(call: Pick<ScriptedCall, "role" | "step">): string {
  const step = parseCallStep(call);
  switch (step?.kind) {
    case "instructions":
      return "planner";
    case "critique":
      return "critic";
    case "research":
    case "resolve":
      return `critic:${step.kind}`;
    case "block":
      return `coder:${step.block}`;
    case "unstaged-script":
      return "unstaged";
    case "direct-script":
      return "direct";
    case "merge":
    case "fix":
    case "review":
      return step.kind;
    default:
      return `unknown (role ${call.role ?? "?"}, step ${call.step || "?"})`;
  }
}

/** The model answers of a whole linguacodus-mode run whose merged script fails once and is then fixed. */
export const linguacodusScript: Script = (call) => {
  const kind = callKind(call);
  switch (kind) {
    case "planner":
      return JSON.stringify(INSTRUCTIONS);
    case "critic":
      return JSON.stringify(VERDICT);
    case "coder:preprocessing":
      return fence(BLOCKS.preprocessing);
    case "coder:model":
      return `Sure:\n${fence(BLOCKS.model)}`;
    case "coder:training":
      return fence(BLOCKS.training);
    case "coder:submission":
      return fence(BLOCKS.submission);
    case "merge":
      return `Here is the integrated script.\n\n${fence(MERGED_BUGGY)}\n\nIt has one entry point.`;
    case "fix":
      return `The target column is called compressive_strength, not strength. Fixed script:\n\n${fence(MERGED_FIXED)}`;
    default:
      throw new Error(`unscripted call ${kind}: ${call.promptText.slice(0, 200)}`);
  }
};

/** A realistic pandas + scikit-learn solution (gradient boosting), merged; the first version misnames the target. */
export const SKLEARN_FIXED = `import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.metrics import mean_absolute_error
from sklearn.model_selection import train_test_split


def main():
    # === stage: preprocessing ===
    train = pd.read_csv("/data/train.csv")
    test = pd.read_csv("/data/test.csv")
    target = "compressive_strength"
    features = [c for c in train.columns if c not in ("id", target)]
    X_fit, X_valid, y_fit, y_valid = train_test_split(train[features], train[target], test_size=0.2, random_state=0)
    # === stage: model ===
    model = HistGradientBoostingRegressor(loss="absolute_error", max_iter=300, learning_rate=0.05, random_state=0)
    # === stage: training ===
    model.fit(X_fit, y_fit)
    print(f"VALIDATION_SCORE={mean_absolute_error(y_valid, model.predict(X_valid)):.4f}")
    model.fit(train[features], train[target])
    # === stage: submission ===
    pd.DataFrame({"id": test["id"], target: model.predict(test[features])}).to_csv("submission.csv", index=False)


if __name__ == "__main__":
    main()
`;

/** Python lines (after `import csv`) that write a valid concrete-strength submission predicting 35 everywhere. */
export const CONSTANT_SUBMISSION = `rows = list(csv.DictReader(open("/data/test.csv")))
with open("submission.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "compressive_strength"])
    for r in rows:
        w.writerow([r["id"], 35.0])`;

export const SKLEARN_BUGGY = SKLEARN_FIXED.replace('target = "compressive_strength"', 'target = "strength"');

/** linguacodusScript, but the merger and fixer answer with the scikit-learn solution. */
export const sklearnScript: Script = (call) => {
  const kind = callKind(call);
  if (kind === "fix") return fence(SKLEARN_FIXED);
  if (kind === "merge") return fence(SKLEARN_BUGGY);
  return linguacodusScript(call);
};

/**
 * For a describe block: the real Docker sandbox and a built-in task, opened before its tests; the sandbox closed
 * and the temporary folders made by `dir` removed after them.
 */
export function sandboxSuite(taskId?: string): { sandbox: () => Sandbox; task: () => Task; dir: (prefix: string) => string } {
  let sandbox: Sandbox | undefined;
  let task: Task | undefined;
  const dirs: string[] = [];
  beforeAll(async () => {
    sandbox = await dockerSandbox();
    task = await builtinTask(taskId);
  }, 600_000);
  afterAll(async () => {
    await sandbox?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return {
    sandbox: () => sandbox!,
    task: () => task!,
    dir: (prefix) => {
      const dir = tempDir(prefix);
      dirs.push(dir);
      return dir;
    },
  };
}

/** sandboxSuite for a file that keeps the task and sandbox in variables: `use` gets them before its tests. */
export function useTaskAndSandbox(use: (fixture: { task: Task; sandbox: Sandbox }) => void): void {
  const suite = sandboxSuite();
  beforeAll(() => use({ task: suite.task(), sandbox: suite.sandbox() }));
}

/**
 * For a file that runs the built CLI against a local OpenAI-protocol model server: builds the CLI, prepares the
 * built-in task and starts the server answering with `reply` before the tests (handing them to `use`); stops it after.
 */
export function useCliAndModelServer(reply: Parameters<typeof startOpenAiServer>[0], use: (fixture: { taskDir: string; server: OpenAiTestServer }) => void): void {
  let server: OpenAiTestServer | undefined;
  beforeAll(async () => {
    await buildCli();
    const taskDir = (await builtinTask()).dir;
    server = await startOpenAiServer(reply);
    use({ taskDir, server });
  }, 600_000);
  afterAll(async () => {
    await server?.close();
  });
}
