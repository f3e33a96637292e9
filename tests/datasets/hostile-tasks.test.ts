// Hostile task folders and submissions through the built CLI (issue 11): answers inside public/ are refused by
// run, bench and sandbox run before any model call; a broken task is refused before anything is spent; the
// grader's memory follows the answers, not the submission; hex/binary numbers and duplicate target columns
// are invalid; `grade --json` always prints JSON, with exit codes that tell invalid from broken from crashed.
import { createServer, type Server } from "node:http";
import { copyFile, link, mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { existsSync, readFileSync } from "node:fs";
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli, linguacodus } from "../support/cli.js";
import { csv, tempDir, writeTask } from "./fixtures.js";

let home: string;
let root: string;
let server: Server;
let modelUrl: string;
/** Requests the fake model server received: any at all means a refused task cost a model call. */
let modelRequests = 0;

const answers = Array.from({ length: 12 }, (_, i) => [i + 1, (i * 7) % 5]);

async function task(name: string): Promise<string> {
  return writeTask(root, name, { spec: { metric: { name: "rmse" }, lower_is_better: true, target_columns: ["y"] }, answers });
}

beforeAll(async () => {
  await buildCli();
  home = await tempDir("lc-hostile-home-");
  root = await tempDir("lc-hostile-");
  // An OpenAI-protocol server that refuses every call (400: no retries), so a run that gets this far fails fast.
  server = createServer((req, res) => {
    modelRequests++;
    req.resume();
    res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "no calls expected", type: "invalid_request_error" } }));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  modelUrl = `openai:gpt-test@http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/v1`;
}, 300_000);

afterAll(async () => {
  server?.close();
});

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => linguacodus(args, { LINGUACODUS_HOME: home, ...env });

/** `args` must fail with `message` before any model call; returns what the CLI printed. */
async function refusedBeforeAnyModelCall(args: string[], message: RegExp) {
  modelRequests = 0;
  const result = await cli(args);
  expect(result.code, result.stderr).not.toBe(0);
  expect(result.stderr).toMatch(message);
  expect(modelRequests).toBe(0);
  return result;
}

describe("the answers never reach the script (item 2)", () => {
  const leaks: Array<[string, (dir: string) => Promise<void>, RegExp]> = [
    ["a hard link public/labels.csv", (dir) => link(join(dir, "private", "answers.csv"), join(dir, "public", "labels.csv")), /public\/labels\.csv: is a link to private\/answers\.csv/],
    ["a copy public/labels.csv", (dir) => copyFile(join(dir, "private", "answers.csv"), join(dir, "public", "labels.csv")), /public\/labels\.csv: is a copy of private\/answers\.csv/],
    [
      "a file named like the answers deep in public/ (public/extra/answers.csv, part of them)",
      async (dir) => {
        await mkdir(join(dir, "public", "extra"), { recursive: true });
        await writeFile(join(dir, "public", "extra", "answers.csv"), csv(["id", "y"], answers.slice(0, 5)));
      },
      /public\/extra\/answers\.csv: answers are inside public\//,
    ],
  ];

  for (const [name, plant, message] of leaks) {
    it(`run and sandbox run refuse ${name} before any model call or script`, async () => {
      const dir = await task(`leak-${leaks.findIndex((l) => l[0] === name)}`);
      await plant(dir);
      const out = await tempDir("lc-hostile-out-");
      await refusedBeforeAnyModelCall(["run", dir, "--model", modelUrl, "--out", out], message);
      // No run folder, so no context.md that could show the answers' rows to an agent.
      expect(await readdir(out)).toEqual([]);

      const script = join(root, "peek.py");
      await writeFile(script, "import os\nopen('submission.csv', 'w').write(str(os.listdir('/data')))\n");
      const sandboxOut = await tempDir("lc-hostile-sb-");
      const sandboxRun = await cli(["sandbox", "run", script, "--task", dir, "--out", sandboxOut]);
      expect(sandboxRun.code, sandboxRun.stderr).toBe(2);
      expect(sandboxRun.stderr).toMatch(message);
      expect(await readdir(sandboxOut)).toEqual([]);
    });
  }

  it("bench refuses a task whose public/ holds a part of the answers under an answers-like name", async () => {
    const dir = await task("leak-bench");
    await mkdir(join(dir, "public", "extra"), { recursive: true });
    await writeFile(join(dir, "public", "extra", "answers_part.csv"), csv(["id", "y"], answers.slice(0, 3)));
    const out = join(await tempDir("lc-hostile-bench-"), "bench");
    await refusedBeforeAnyModelCall(["bench", dir, "--models", modelUrl, "--modes", "direct", "--out", out, "--no-report"], /public\/extra\/answers_part\.csv: answers are inside public\//);
    expect(existsSync(join(out, "runs"))).toBe(false);
  });
});

describe("a broken task is refused before anything is spent", () => {
  const broken: Array<[string, (dir: string) => Promise<void>, RegExp]> = [
    ["an empty answers file", (dir) => writeFile(join(dir, "private", "answers.csv"), ""), /private\/answers\.csv: is empty/],
    [
      "an id_column the answers lack",
      async (dir) => {
        const spec = JSON.parse(readFileSync(join(dir, "task.json"), "utf8")) as Record<string, unknown>;
        await writeFile(join(dir, "task.json"), JSON.stringify({ ...spec, id_column: "row_id" }));
      },
      /private\/answers\.csv: has no id column 'row_id' \(task\.json id_column\)/,
    ],
    ["a missing public/ folder", (dir) => rm(join(dir, "public"), { recursive: true }), /public: missing; the files agents may read/],
  ];
  for (const [name, breakIt, message] of broken) {
    it(`run refuses ${name} with the reason, before any model call`, async () => {
      const dir = await task(`broken-${broken.findIndex((b) => b[0] === name)}`);
      await breakIt(dir);
      const out = await tempDir("lc-hostile-out-");
      const run = await refusedBeforeAnyModelCall(["run", dir, "--model", modelUrl, "--out", out], message);
      expect(run.stderr).not.toMatch(/ENOENT/);
      expect(await readdir(out)).toEqual([]);
    });
  }
});

describe("grading a huge submission costs memory of the answers, not of the submission (item 5)", () => {
  it("rejects a 2M-row wrong-size submission with the reason under a 64 MB heap", async () => {
    const dir = await task("huge");
    const path = join(root, "huge.csv");
    const out = createWriteStream(path);
    out.write("id,y\n");
    for (let start = 0; start < 2_000_000; start += 100_000) {
      let text = "";
      for (let i = start; i < start + 100_000; i++) text += `${i},${i % 7}.5\n`;
      if (!out.write(text)) await once(out, "drain");
    }
    out.end();
    await once(out, "finish");
    const r = await cli(["grade", dir, path, "--json"], { NODE_OPTIONS: "--max-old-space-size=64" });
    expect(r.code, r.stderr.slice(-500)).toBe(1);
    const result = JSON.parse(r.stdout) as { valid: boolean; errors: string[] };
    expect(result.valid).toBe(false);
    expect(result.errors[0]).toMatch(/^Submission has 2000000 rows but the test set has 12; write exactly one row per test id/);
  }, 300_000);
});

describe("the grader reads numbers and columns strictly", () => {
  const rows = (cell: (i: number) => string | number) => answers.map((a, i) => [a[0]!, cell(i)]);
  it("rejects hex and binary numbers, which JavaScript's Number() would accept", async () => {
    const dir = await task("strict");
    for (const odd of ["0x10", "0b11"]) {
      const path = join(root, `odd-${odd}.csv`);
      await writeFile(path, csv(["id", "y"], rows((i) => (i === 3 ? odd : answers[i]![1]!))));
      const r = await cli(["grade", dir, path, "--json"]);
      expect(r.code).toBe(1);
      const result = JSON.parse(r.stdout) as { valid: boolean; errors: string[] };
      expect(result.valid).toBe(false);
      expect(result.errors.join("\n")).toContain(`Column 'y' has 1 non-numeric value(s), e.g. '${odd}' on line 5; write plain numbers`);
    }
  });

  it("rejects two target columns of one name instead of scoring the first", async () => {
    const dir = await task("duplicate-column");
    const path = join(root, "two-y.csv");
    await writeFile(path, ["id,y,y", ...answers.map((a) => `${a[0]},${a[1]},999`)].join("\n") + "\n");
    const r = await cli(["grade", dir, path, "--json"]);
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout) as { valid: boolean; errors: string[] };
    expect(result.valid).toBe(false);
    expect(result.errors).toContainEqual(expect.stringMatching(/^Submission has more than one column named 'y'; write each of the columns id, y once/));
  });
});

describe("grade --json always prints JSON; exit codes tell invalid (1), bad input (2) and a crash (3) apart", () => {
  /** A regular file that cannot be read, even by root (a write-only sysfs attribute), or an unreadable file for others. */
  async function unreadableFile(): Promise<string | null> {
    if (process.getuid?.() !== 0) {
      const path = join(root, "unreadable.csv");
      await writeFile(path, "id,y\n1,2\n", { mode: 0o000 });
      return path;
    }
    for (const candidate of ["/sys/bus/pci/rescan", "/sys/bus/pci/drivers_probe", "/sys/kernel/uevent_helper"]) {
      try {
        readFileSync(candidate);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EACCES" || (error as NodeJS.ErrnoException).code === "EIO") return candidate;
      }
    }
    return null;
  }

  it("for a missing argument, an unknown task, an invalid submission and a submission that cannot be read", async () => {
    const dir = await task("json-codes");
    const missing = await cli(["grade", "--json"]);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stdout)).toMatchObject({ valid: null, error: { kind: "arguments", message: expect.stringMatching(/missing required argument 'task'/) } });

    const unknown = await cli(["grade", "no-such-task", "x.csv", "--json", "--dir", root]);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ valid: null, error: { kind: "task", message: expect.stringMatching(/'no-such-task' is neither a task folder nor a built-in task/) } });

    const bad = join(root, "short.csv");
    await writeFile(bad, csv(["id", "y"], answers.slice(0, 2)));
    const invalid = await cli(["grade", dir, bad, "--json"]);
    expect(invalid.code).toBe(1);
    expect(JSON.parse(invalid.stdout)).toMatchObject({ valid: false, errors: [expect.stringMatching(/has 2 rows but the test set has 12/), expect.anything()] });

    const unreadable = await unreadableFile();
    expect(unreadable, "no unreadable regular file on this machine to grade").not.toBeNull();
    const crash = await cli(["grade", dir, unreadable!, "--json"]);
    expect(crash.code).toBe(3);
    expect(JSON.parse(crash.stdout)).toMatchObject({ valid: null, error: { kind: "crash", message: expect.stringMatching(/EACCES|EIO/) } });
  });
});
