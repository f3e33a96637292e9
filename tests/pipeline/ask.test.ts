// `linguacodus ask` through the built CLI (issue 23): bad input named with the fix; an analysis over an image folder
// the test makes in the real Docker sandbox (numpy + Pillow), answered by a scripted model server whose scripts
// disagree, so the consistency view says "no agreement"; --json's outcome; a RESULT line that is not JSON recorded as
// an error; resume of an interrupted analysis.
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AskOutputSchema, type AskOutput } from "../../execution/index.js";
import { ViewerSource } from "../../viewer/index.js";
import type { Sandbox } from "../../sandbox/types.js";
import { buildCli, linguacodus } from "../support/cli.js";
import { fence } from "../support/fence.js";
import { lastUserText, startOpenAiServer, type OpenAiTestServer } from "../support/openai-server.js";
import { until } from "../support/wait.js";
import { dockerSandbox, tempDir } from "./support.js";

/** Four bright squares on a dark background, drawn by numpy and saved by Pillow inside the sandbox. */
const MAKE_IMAGE = `import numpy as np
from PIL import Image
img = np.zeros((64, 64), dtype=np.uint8)
for (y, x) in [(5, 5), (5, 40), (40, 5), (40, 40)]:
    img[y:y + 12, x:x + 12] = 200
img[20:24, 20:24] = 90  # a dim spot: counted only by a low threshold
Image.fromarray(img).save("blobs.png")
print("made")
`;

/** A scripted analysis: count blobs above `threshold` (scipy's connected components). */
const countBlobs = (threshold: number) => `import json
import numpy as np
from PIL import Image
from scipy import ndimage
img = np.array(Image.open("/data/blobs.png"))
labels, n = ndimage.label(img > ${threshold})
Image.fromarray((labels > 0).astype(np.uint8) * 255).save("mask.png")  # a figure, copied out with the attempt
print("RESULT=" + json.dumps(int(n)))
`;
/** A script whose RESULT line is not JSON. */
const NOT_JSON = `print("counting")\nprint("RESULT=four blobs")\n`;

/** The direct coder's answer per chain seed (seed s + chain index): 4, 5, 4 and a RESULT that is not JSON. */
const SCRIPTS: Record<number, string> = { 1: countBlobs(128), 2: countBlobs(50), 3: countBlobs(128), 4: NOT_JSON };

let server: OpenAiTestServer;
let sandbox: Sandbox;
let home: string;
let dataDir: string;

beforeAll(async () => {
  await buildCli();
  home = tempDir("lc-ask-home-");
  sandbox = await dockerSandbox();
  dataDir = tempDir("lc-ask-data-");
  const made = await sandbox.run({ script: MAKE_IMAGE, publicDir: tempDir("lc-ask-empty-"), timeoutSeconds: 120, outputDir: dataDir });
  expect(made.outcome, made.stderr).toBe("ok");
  expect(existsSync(join(dataDir, "blobs.png"))).toBe(true);
  chmodSync(dataDir, 0o755); // mkdtemp makes it 0700: the sandbox's user could not enter it
  server = await startOpenAiServer((body) => {
    const prompt = lastUserText(body);
    if (!prompt.includes("RESULT=")) return { text: "the prompt did not ask for a RESULT line" };
    return { text: fence(SCRIPTS[Number(body.seed)] ?? NOT_JSON) };
  });
}, 600_000);
afterAll(async () => {
  await server?.close();
  await sandbox?.close();
});

const model = () => `openai:scripted@${server.baseURL}`;

describe("linguacodus ask: bad input", () => {
  const cases: Array<[string, () => string[], RegExp]> = [
    ["an empty request", () => ["ask", "   ", "--data", dataDir], /the request is empty: say what to analyse and what the result is/],
    ["no request at all", () => ["ask", "--data", dataDir], /say what to analyse: linguacodus ask "<request>" --data <folder>/],
    ["no --data", () => ["ask", "count the blobs"], /--data <folder> is missing: name the folder of files the analysis reads/],
    ["a data folder that does not exist", () => ["ask", "count the blobs", "--data", "/nonexistent/data"], /--data: the data folder \/nonexistent\/data does not exist/],
    ["a data file, not a folder", () => ["ask", "count", "--data", join(dataDir, "blobs.png")], /blobs\.png is a file, not a folder: give the folder that holds it/],
    ["a prompt file that cannot be read", () => ["ask", "--prompt-file", "/nonexistent/request.md", "--data", dataDir], /--prompt-file \/nonexistent\/request\.md cannot be read \(ENOENT\)/],
    ["both a request and a prompt file", () => ["ask", "count", "--prompt-file", "x.md", "--data", dataDir], /give the request as text or with --prompt-file, not both/],
    ["a bad --parallel", () => ["ask", "count", "--data", dataDir, "--parallel", "0"], /--parallel must be a whole number from 1 to 32 \(got '0'\)/],
  ];
  for (const [name, args, message] of cases) {
    it(`${name} → one line naming the fix, exit 2`, async () => {
      const result = await linguacodus(args(), { LINGUACODUS_HOME: home });
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.code).toBe(2);
    });
  }

  it("an empty prompt file → named, exit 2", async () => {
    const file = join(tempDir("lc-ask-prompt-"), "request.md");
    writeFileSync(file, "\n  \n");
    const result = await linguacodus(["ask", "--prompt-file", file, "--data", dataDir], { LINGUACODUS_HOME: home });
    expect(result.stderr).toMatch(new RegExp(`the request is empty \\(${file}\\)`));
    expect(result.code).toBe(2);
  });

  it("a data folder the sandbox's user cannot read → named with chmod, exit 2", async () => {
    const locked = tempDir("lc-ask-locked-"); // mkdtemp: mode 0700
    writeFileSync(join(locked, "x.csv"), "a\n1\n");
    const result = await linguacodus(["ask", "count", "--data", locked], { LINGUACODUS_HOME: home });
    expect(result.stderr).toMatch(/--data: the data folder .*: .* is not readable by all \(mode 0700\); the sandbox runs scripts as a user of its own: make it readable, e\.g\. chmod -R a\+rX /);
    expect(result.code).toBe(2);
  });
});

describe("linguacodus ask: an analysis over an image folder", () => {
  let out: string;
  let outcome: AskOutput;

  it("2 samples × 2 iterations whose scripts disagree: the table, the results, 'no agreement'", async () => {
    out = tempDir("lc-ask-out-");
    const args = ["ask", "Count the bright blobs in /data/blobs.png.", "--data", dataDir, "--result", "the number of blobs", "--model", model()];
    const common = ["--mode", "direct", "--fix-attempts", "0", "--seed", "1", "--parallel", "2", "--iterative", "2", "--out", out];
    const human = await linguacodus([...args, ...common], { LINGUACODUS_HOME: home });
    expect(human.stderr).not.toMatch(/linguacodus: /);
    expect(human.code).toBe(0);
    const lines = human.stdout.split("\n");
    expect(lines[0]).toMatch(/^sample\s+iteration 1\s+iteration 2$/);
    expect(lines[1]).toMatch(/^1\s+4\s+5$/);
    expect(lines[2]).toMatch(/^2\s+4\s+✗ ResultNotJSON$/);
    expect(human.stdout).toMatch(/no agreement: no result holds more than half of the 4 samples \(4 ×2, 5 ×1; 1 without a result\)/);
    expect(human.stdout).toMatch(/result\s+4\n/);

    const json = await linguacodus([...args, ...common, "--json"], { LINGUACODUS_HOME: home });
    expect(json.code).toBe(0);
    outcome = AskOutputSchema.parse(JSON.parse(json.stdout));
    expect(outcome).toMatchObject({ kind: "analysis", status: "succeeded", hasResult: true, result: 4, score: null });
    expect(outcome.consistency).toMatchObject({ samples: 4, withResult: 3, majority: 4, majorityCount: 2, share: 0.5, agreement: false });
    expect(outcome.samples.map((s) => [s.id, s.sample, s.iteration, s.result ?? null])).toEqual([
      ["c0-i0", 0, 0, 4],
      ["c0-i1", 0, 1, 5],
      ["c1-i0", 1, 0, 4],
      ["c1-i1", 1, 1, null],
    ]);
    const bad = outcome.samples[3]!;
    expect(bad.error).toMatch(/^ResultNotJSON: the RESULT= line is not JSON \(.*\): RESULT=four blobs; print it with json\.dumps/);
    expect(outcome.chosen?.sample).toBe("c0-i0");
    expect(readFileSync(outcome.chosen!.code, "utf8")).toContain("img > 128");
    // The figure the script saved is kept with its attempt (the figure copy-out every attempt has).
    expect(existsSync(join(outcome.samples[0]!.runDir, "exec", "001", "figures", "mask.png"))).toBe(true);
    // The prompt asked for the RESULT line, named what the result is, and listed the data folder.
    const prompt = lastUserText(server.received.at(-1)!.body);
    expect(prompt).toContain("The result: the number of blobs");
    expect(prompt).toContain("/data/blobs.png");
    // An ordinary run folder: the task folder inside it, score.json with the kept result.
    expect(JSON.parse(readFileSync(join(outcome.runDir, "task", "task.json"), "utf8"))).toMatchObject({ kind: "analysis", data: dataDir });
    expect(JSON.parse(readFileSync(join(outcome.runDir, "score.json"), "utf8"))).toMatchObject({ valid: true, result: 4, attempt: "c0-i0/001" });
    // The viewer's run page shows the same consistency view.
    const page = await new ViewerSource(out).run(basename(outcome.runDir));
    expect(page.analysis?.lines.join("\n")).toBe(human.stdout.split("\nresult")[0]);
    expect(page.analysis?.outcome.consistency.agreement).toBe(false);
  });
});

describe("linguacodus ask --feedback: a revision that gives a result is kept, one that fails is not", () => {
  /** The coder counts at 128 (4 blobs); reviewer round 1 lowers the threshold (5), round 2 breaks the RESULT line. */
  let reviewing: OpenAiTestServer;
  beforeAll(async () => {
    reviewing = await startOpenAiServer((body) => {
      const prompt = lastUserText(body);
      if (prompt.includes("feedback round 1")) return { text: `Reflection: count the dim spot too.\n${fence(countBlobs(50))}` };
      if (prompt.includes("feedback round 2")) return { text: `Reflection: say it in words.\n${fence(NOT_JSON)}` };
      return { text: fence(countBlobs(128)) };
    });
  });
  afterAll(async () => reviewing?.close());

  it("round 1's revision (result 5) is the chosen code and result; round 2's failing revision leaves it", async () => {
    const out = tempDir("lc-ask-feedback-");
    const args = ["ask", "Count the bright blobs in /data/blobs.png.", "--data", dataDir, "--model", `openai:scripted@${reviewing.baseURL}`];
    const json = await linguacodus([...args, "--mode", "direct", "--fix-attempts", "0", "--feedback-iterations", "2", "--out", out, "--json"], { LINGUACODUS_HOME: home });
    expect(json.stderr).not.toMatch(/linguacodus: /);
    expect(json.code).toBe(0);
    const outcome = AskOutputSchema.parse(JSON.parse(json.stdout));
    expect(outcome).toMatchObject({ status: "succeeded", hasResult: true, result: 5 });
    expect(readFileSync(outcome.chosen!.code, "utf8")).toContain("img > 50");
    expect(JSON.parse(readFileSync(join(outcome.runDir, "score.json"), "utf8"))).toMatchObject({ valid: true, result: 5 });
    // The record says which revision was kept and why.
    const events = readFileSync(join(outcome.runDir, "events.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    const rounds = events.filter((e) => e.type === "feedback.finished").map((e) => [e.round, e.improved, e.reason]);
    expect(rounds).toEqual([
      [1, true, "the revision ran and gave a result"],
      [2, false, "the revision gave no result (ResultNotJSON): the previous code is kept"],
    ]);
  }, 600_000);
});

describe("linguacodus ask --unit-tests: the tester's tests run against the analysis's final script", () => {
  /** An analysis with a function to test; its top-level work reads /data, which importing it must not do. */
  const WITH_FUNCTION = `import json
import numpy as np
from PIL import Image
from scipy import ndimage


def count_blobs(img, threshold):
    return int(ndimage.label(img > threshold)[1])


print("RESULT=" + json.dumps(count_blobs(np.array(Image.open("/data/blobs.png")), 128)))
`;
  /** Two tests that pass and one whose expectation is wrong. */
  const TESTS = `import numpy as np
from solution import count_blobs


def test_two_blobs():
    img = np.zeros((10, 10), dtype=np.uint8)
    img[1:3, 1:3] = 200
    img[6:8, 6:8] = 200
    assert count_blobs(img, 128) == 2


def test_dim_blob_below_threshold():
    img = np.zeros((10, 10), dtype=np.uint8)
    img[1:3, 1:3] = 90
    assert count_blobs(img, 128) == 0


def test_wrong_expectation():
    assert count_blobs(np.zeros((4, 4), dtype=np.uint8), 128) == 1
`;
  let testing: OpenAiTestServer;
  beforeAll(async () => {
    testing = await startOpenAiServer((body) => ({ text: fence(lastUserText(body).includes("pytest unit tests") ? TESTS : WITH_FUNCTION) }));
  });
  afterAll(async () => testing?.close());

  it("unit-tests/result.json holds the counts; the tester saw the final script", async () => {
    const out = tempDir("lc-ask-unit-");
    const args = ["ask", "Count the bright blobs in /data/blobs.png.", "--data", dataDir, "--model", `openai:scripted@${testing.baseURL}`];
    const json = await linguacodus([...args, "--mode", "direct", "--fix-attempts", "0", "--unit-tests", "--out", out, "--json"], { LINGUACODUS_HOME: home });
    expect(json.stderr).not.toMatch(/linguacodus: /);
    expect(json.code).toBe(0);
    const outcome = AskOutputSchema.parse(JSON.parse(json.stdout));
    expect(outcome).toMatchObject({ status: "succeeded", result: 4 });
    const record = JSON.parse(readFileSync(join(outcome.runDir, "unit-tests", "result.json"), "utf8")) as Record<string, unknown>;
    expect(record).toMatchObject({ outcome: "ran", written: 3, collected: 3, passed: 2, failed: 1, errors: 0, syntaxErrors: 0, timeout: false });
    const testerPrompt = testing.received.map((r) => lastUserText(r.body)).find((p) => p.includes("pytest unit tests"));
    expect(testerPrompt).toContain("def count_blobs(img, threshold):");
  }, 600_000);
});

describe("linguacodus ask: nothing lost on kill -9 or Ctrl-C", () => {
  /** A model server that answers the first call at once and holds every later one until released. */
  let gated: OpenAiTestServer;
  let release: () => void = () => undefined;
  beforeAll(async () => {
    gated = await startOpenAiServer(async () => {
      if (gated.received.length === 2) await new Promise<void>((go) => (release = go));
      return { text: fence(countBlobs(128)) };
    });
  });
  afterAll(async () => {
    release();
    await gated?.close();
  });

  const askArgs = (out: string) => ["ask", "Count the bright blobs in /data/blobs.png.", "--data", dataDir, "--model", `openai:scripted@${gated.baseURL}`, "--mode", "direct", "--fix-attempts", "0", "--iterative", "2", "--out", out];
  const runFolder = (out: string) => join(out, readdirSync(out)[0]!);

  for (const [how, signal] of [["kill -9", "SIGKILL"], ["Ctrl-C", "SIGINT"]] as const) {
    it(`${how} in iteration 2 → --resume finishes without asking for iteration 1 again`, async () => {
      gated.received.length = 0;
      const out = tempDir("lc-ask-stop-");
      const first = linguacodus(askArgs(out), { LINGUACODUS_HOME: home });
      let said = "";
      first.child.stderr.on("data", (d: Buffer) => (said += d.toString()));
      await until("the second iteration's model call", () => gated.received.length === 2);
      first.child.kill(signal);
      // Ctrl-C lets the model call in flight finish, then stops before the next step; kill -9 stops at once. The held
      // answer goes out only once the run has taken the signal: released with it, the answer could win the race, the
      // last step finish and the run end as it would have anyway (seen on a loaded machine).
      if (signal === "SIGINT") {
        await until("the run to take the signal", () => said.includes("stopping at the next stage"));
        release();
      }
      const stopped = await first;
      release();
      if (signal === "SIGINT") {
        expect(stopped.code).toBe(1);
        expect(stopped.stderr).toMatch(/interrupted \(SIGINT\).*continue it with --resume /);
        expect(JSON.parse(readFileSync(join(runFolder(out), "run.json"), "utf8"))).toMatchObject({ status: "failed" });
      } else {
        expect(stopped.code).toBe(-1);
      }
      // Iteration 1 is kept whole.
      expect(JSON.parse(readFileSync(join(runFolder(out), "chains", "c0-i0", "score.json"), "utf8"))).toMatchObject({ valid: true, result: 4 });

      const resumed = await linguacodus(["ask", "--resume", runFolder(out), "--json"], { LINGUACODUS_HOME: home });
      expect(resumed.stderr).not.toMatch(/linguacodus: /);
      expect(resumed.code).toBe(0);
      const outcome = AskOutputSchema.parse(JSON.parse(resumed.stdout));
      expect(outcome.consistency).toMatchObject({ samples: 2, withResult: 2, majority: 4, agreement: true });
      // Iteration 1 was not asked again. Ctrl-C kept the answer in flight (iteration 2's coder stage is done): 2 calls;
      // kill -9 lost it, so resume asks for iteration 2 once more: 3.
      expect(gated.received).toHaveLength(signal === "SIGINT" ? 2 : 3);
    }, 600_000);
  }
});

describe("linguacodus bench over analysis task folders", () => {
  it("scores by the expected result where one is given; the task without one gets the results' agreement", async () => {
    const suite = tempDir("lc-ask-suite-");
    const folder = (id: string, spec: Record<string, unknown>) => {
      mkdirSync(join(suite, id), { mode: 0o755 });
      writeFileSync(join(suite, id, "task.json"), JSON.stringify({ kind: "analysis", id, data: dataDir, ...spec }));
      writeFileSync(join(suite, id, "request.md"), "Count the bright blobs in /data/blobs.png.\n");
      return join(suite, id);
    };
    const counted = folder("count-blobs", { result: "the number of blobs", expected: { number: 4, tolerance: 0 } });
    const open = folder("blobs-open", {});
    const out = join(tempDir("lc-ask-bench-"), "bench");
    // Repeat seeds 1 and 2: the scripted scripts count 4 (matches) and 5 (does not).
    const bench = await linguacodus(["bench", counted, open, "--modes", "direct", "--models", model(), "--repeats", "2", "--out", out, "--json"], { LINGUACODUS_HOME: home });
    expect(bench.stderr).not.toMatch(/linguacodus: /);
    expect(bench.code).toBe(0);
    const report = await linguacodus(["report", out, "--format", "json"], { LINGUACODUS_HOME: home });
    expect(report.code).toBe(0);
    const runs = (JSON.parse(report.stdout) as { runs: Array<{ taskId: string; seed?: number; valid: boolean; score: number | null; result?: unknown }> }).runs;
    const row = (task: string, seed: number) => runs.find((r) => r.taskId === task && r.seed === seed);
    expect(row("count-blobs", 1)).toMatchObject({ valid: true, score: 1, result: 4 });
    expect(row("count-blobs", 2)).toMatchObject({ valid: true, score: 0, result: 5 });
    expect(row("blobs-open", 1)).toMatchObject({ valid: true, score: null, result: 4 });
    const md = (await linguacodus(["report", out], { LINGUACODUS_HOME: home })).stdout;
    expect(md).toMatch(/## Analyses/);
    expect(md).toMatch(/\| blobs-open \| direct \| .* \| 2 \| no agreement \|/);
    expect(md).toMatch(/\| count-blobs \| direct \| .* \| 2 \| 1 of 2 match the expected result \|/);
  }, 600_000);
});
