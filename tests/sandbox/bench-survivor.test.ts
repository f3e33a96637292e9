// Issue 21 through a whole bench: the model's script of one run leaves a process behind (a zombie leader whose
// thread lives on) in the warm container the bench's next run gets. Before the fix it rewrote that run's
// submission and ptraced it into printing a VALIDATION_SCORE it never computed, and both reached score.json.
// Now the second run's record holds what its own script did.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Task } from "../../datasets/index.js";
import { buildCli, linguacodus } from "../support/cli.js";
import { fence } from "../support/fence.js";
import { type OpenAiTestServer, startOpenAiServer } from "../support/openai-server.js";
import { builtinTask, tempDir } from "../pipeline/support.js";
import { ensureSandboxImage } from "./engine-helpers.js";

// A constant prediction: a valid submission whatever the task (the median of the target).
const CONSTANT = `import pandas as pd, time
train = pd.read_csv("/data/train.csv")
sample = pd.read_csv("/data/sample_submission.csv")
target = sample.columns[1]
sample[target] = train[target].median()
sample.to_csv("submission.csv", index=False)
print("VALIDATION_SCORE=0.5", flush=True)
`;
const attack = () => `${CONSTANT}\n${readFileSync(join(import.meta.dirname, "fixtures", "hostile", "outlive.py"), "utf8")}`;
// The victim "trains" after writing its submission: time for a survivor to strike.
const VICTIM = `${CONSTANT}time.sleep(3)\n`;

let task: Task;
let server: OpenAiTestServer;

beforeAll(async () => {
  await Promise.all([buildCli(), ensureSandboxImage()]);
  task = await builtinTask();
  let coderCalls = 0;
  // Every call of direct mode asks for a script: the first run gets the attack, every later call the victim.
  server = await startOpenAiServer(() => ({ text: fence(coderCalls++ === 0 ? attack() : VICTIM) }));
}, 600_000);
afterAll(() => server?.close());

describe("a bench whose first run leaves a process behind", () => {
  it("keeps the next run's submission, validation score and test score its own", async () => {
    const out = tempDir("lc-bench-survivor-");
    const r = await linguacodus(
      ["bench", task.dir, "--modes", "direct", "--repeats", "2", "--parallel", "1", "--models", `openai:tiny@${server.baseURL}`, "--out", out],
      { LINGUACODUS_HOME: tempDir("lc-home-") },
    );
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const runs = readdirSync(join(out, "runs")).map((id) => join(out, "runs", id));
    const records = runs.map((dir) => ({
      score: JSON.parse(readFileSync(join(dir, "score.json"), "utf8")) as { valid: boolean; score: number | null; validation_score: number | null },
      submission: readFileSync(join(dir, "submission.csv"), "utf8"),
    }));
    expect(records).toHaveLength(2);
    // Both runs' scripts wrote the same constant submission and printed 0.5: so must both records say.
    for (const record of records) {
      expect(record.submission).not.toContain("FORGED");
      expect(record.score).toMatchObject({ valid: true, validation_score: 0.5 });
    }
    expect(records[0]!.score.score).toBe(records[1]!.score.score);
  }, 900_000);
});
