// The Python package (python/) in a real Jupyter kernel: a notebook using `%load_ext linguacodus`, the
// `%%linguacodus` magic and the Python API is executed with nbclient (tests/notebook/execute.py) in the venv of
// ./notebook.ts, against the local OpenAI-protocol server and the real Docker sandbox. Its outputs must hold the
// result and a figure; an interrupted magic cell stops the CLI and keeps its run folder; no secret of the kernel's
// environment reaches a record, even when the script reads the CLI's own environment (--sandbox local).
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliPath } from "../support/cli.js";
import { fence } from "../support/fence.js";
import { type OpenAiTestServer } from "../support/openai-server.js";
import { SKLEARN_FIXED, tempDir, useCliAndModelServer } from "../pipeline/support.js";
import { until } from "../support/wait.js";
import { installPackage, notebookPython } from "./notebook.js";

const exec = promisify(execFile);
const here = import.meta.dirname;

/** The direct coder's script: the scikit-learn solution, plus a figure it saves. */
const FIGURE_SCRIPT = SKLEARN_FIXED.replace(
  "    # === stage: submission ===",
  `    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    plt.scatter(y_valid, model.predict(X_valid), s=4)
    plt.savefig("predicted-vs-true.png", dpi=60)
    # === stage: submission ===`,
);
/** The analyst's script for `ask`: the mean of /data/values.csv as its RESULT line, and a histogram. */
const ANALYSIS_SCRIPT = `import csv, json
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
values = [float(row["value"]) for row in csv.DictReader(open("/data/values.csv"))]
plt.hist(values)
plt.savefig("histogram.png", dpi=50)
print("RESULT=" + json.dumps(sum(values) / len(values)))
`;
/** The reader's script for `ask`: the same mean without a figure (the notebook venv has no matplotlib), whose saved
 *  notebook the test runs on the host. */
const READER_SCRIPT = `import csv, json
values = [float(row["value"]) for row in csv.DictReader(open("/data/values.csv"))]
print("RESULT=" + json.dumps(sum(values) / len(values)))
`;
/** A script that prints the environment of the process that started it: the CLI, under --sandbox local. */
const ENVIRON_SCRIPT = `import os
with open(f"/proc/{os.getppid()}/environ", "rb") as handle:
    print(handle.read().replace(b"\\0", b"\\n").decode())
`;

// Kernel secrets: one secret-named (the CLI would redact it anyway), one not (only the package's allowlist keeps it out).
const SECRETS = {
  NOTEBOOK_DB_PASSWORD: `pw-${randomBytes(8).toString("hex")}`,
  NOTEBOOK_PRIVATE_NOTE: `note-${randomBytes(8).toString("hex")}`,
};

let server: OpenAiTestServer;
/** Written when the "slow" model call arrives: the notebook interrupts its cell then. */
const slowCallArrived = join(tempDir("lc-notebook-slow-"), "slow-call-arrived");
let taskDir: string;
let python: string;

// By model name: "slow" marks that its call arrived (the notebook interrupts the cell then, while the call is in flight)
// and answers once the interrupt is sent and the kernel has had time to pass it on to the CLI (the run stops at the
// stage after the call; the notebook's interrupt_grace, 60 s, is far off), "environ" answers the
// environment-reading script, "analyst" the analysis, "reader" the figure-less analysis, every other the competition's figure script.
useCliAndModelServer(
  async (body) => {
    if (body.model === "slow") {
      writeFileSync(slowCallArrived, "");
      await until("the notebook to interrupt the slow cell", () => !existsSync(slowCallArrived), 600_000);
      await new Promise((r) => setTimeout(r, 5000));
    }
    const scripts: Record<string, string> = { environ: ENVIRON_SCRIPT, analyst: ANALYSIS_SCRIPT, reader: READER_SCRIPT };
    const script = scripts[String(body.model)] ?? FIGURE_SCRIPT;
    return { text: `The script:\n\n${fence(script)}` };
  },
  (fixture) => ({ server, taskDir } = fixture),
);
beforeAll(async () => {
  python = await notebookPython();
  await installPackage(python);
}, 600_000);

type Cell = { cell_type: "code"; metadata: Record<string, unknown>; source: string; execution_count: null; outputs: never[] };
const cell = (source: string, metadata: Record<string, unknown> = {}): Cell => ({ cell_type: "code", metadata, source, execution_count: null, outputs: [] });

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
  ename?: string;
}
const join_ = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join("") : (v ?? ""));
const streamText = (outputs: Output[]) => outputs.filter((o) => o.output_type === "stream" && o.name === "stdout").map((o) => join_(o.text)).join("");

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

describe("the Python package in a Jupyter kernel", () => {
  let cells: { outputs: Output[] }[];
  let runs: string;
  let work: string;

  beforeAll(async () => {
    work = tempDir("lc-notebook-");
    runs = join(work, "runs");
    const data = join(work, "input_data");
    mkdirSync(data);
    writeFileSync(join(data, "values.csv"), "value\n1\n2\n3\n4\n");
    const spec = (model: string) => `openai:${model}@${server.baseURL}`;
    const notebook = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
      cells: [
        cell(`%load_ext linguacodus\n%linguacodus_config model=${spec("coder")} out=${runs} timeout=120 interrupt_grace=60`),
        cell(`%%linguacodus --task ${taskDir} --mode direct --as magic_result\nthe concrete-strength competition`),
        cell(
          [
            "import json, linguacodus, nbformat",
            `r = linguacodus.run(${JSON.stringify(taskDir)}, mode="direct", parallel=2)`,
            'path = linguacodus.save_notebook(r, "analysis.ipynb")',
            "nbformat.validate(nbformat.read(str(path), as_version=4))",
            "print(json.dumps({'valid': r.valid, 'score': r.score, 'samples': [s.id for s in r.samples], 'chosen': r.chosen.id,",
            "  'figures': [type(f).__name__ for f in r.figures], 'figure_paths': [str(p) for p in r.chosen.figure_paths], 'code': r.code, 'timings': r.timings, 'tokens': r.tokens['total'],",
            "  'dir': str(r.dir), 'view': r.view_command, 'notebook': str(path.resolve()), 'magic_dir': str(magic_result.dir)}))",
          ].join("\n"),
        ),
        cell(`%%linguacodus --task ${taskDir} --mode direct --model ${spec("environ")} --sandbox local --fix-attempts 0\nprint the environment`),
        cell(`%%linguacodus --task ${taskDir} --mode direct --model ${spec("slow")}\nthis one is interrupted`, { interrupt_when: slowCallArrived, tags: ["raises-exception"] }),
        cell(
          [
            "import json, os",
            "e = _linguacodus_interrupted",
            "try:\n    os.kill(e.pid, 0)\n    alive = True\nexcept ProcessLookupError:\n    alive = False",
            "print(json.dumps({'run_dir': str(e.run_dir), 'alive': alive}))",
          ].join("\n"),
        ),
        cell(`import linguacodus\ntry:\n    linguacodus.run("no-such-task", model=${JSON.stringify(spec("coder"))})\nexcept linguacodus.LinguacodusError as error:\n    print("ERROR", error)`),
        cell(`%%linguacodus --data ${data} --model ${spec("analyst")} --mode direct --parallel 2 --as analysis\nWhat is the mean of the values in values.csv? The result is the mean.`),
        cell(
          [
            "seen = []",
            `g = linguacodus.generate_code("What is the mean of the values in values.csv?", data=${JSON.stringify(data)}, model=${JSON.stringify(spec("analyst"))}, mode="direct",`,
            "                              on_progress=lambda p: seen.append((str(p.run_dir), list(p.lines))))",
            'linguacodus.save_notebook(g, "ask.ipynb")',
            `b = linguacodus.bench([${JSON.stringify(taskDir)}], out="bench-nb", models=[${JSON.stringify(spec("coder"))}], modes=["direct"])`,
            "print(json.dumps({'result': g.result, 'valid': g.valid, 'samples': len(g.samples), 'figures': [p.name for p in g.chosen.figure_paths],",
            "  'code': g.code, 'stdout': g.stdout, 'tokens': g.tokens['total'], 'analysis': [analysis.result, analysis.consistency['agreement'], len(analysis.samples)],",
            "  'bench': [b.outcome['succeeded'], len(b.runs), b.runs[0].valid], 'dir': str(g.dir), 'progress': seen[-1]}))",
          ].join("\n"),
        ),
        cell(`h = linguacodus.generate_code("What is the mean of the values in values.csv?", data=${JSON.stringify(data)}, model=${JSON.stringify(spec("reader"))}, mode="direct")\nlinguacodus.save_notebook(h, "host.ipynb")`),
      ],
    };
    const source = join(work, "in.ipynb");
    const executed = join(work, "out.ipynb");
    writeFileSync(source, JSON.stringify(notebook));
    // The kernel's environment: the user's, the CLI's location, and secrets the CLI has no use for.
    await exec(python, [join(here, "execute.py"), source, executed, work], {
      env: { ...process.env, LINGUACODUS_CLI: cliPath, ...SECRETS },
      maxBuffer: 64 * 1024 * 1024,
    });
    cells = (JSON.parse(readFileSync(executed, "utf8")) as { cells: { outputs: Output[] }[] }).cells;
  }, 900_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("the magic cell shows the result, the code collapsed, the view command and the figure", () => {
    const outputs = cells[1]!.outputs;
    const html = outputs.map((o) => join_(o.data?.["text/html"])).join("");
    expect(html).toContain("<b>succeeded</b> · direct");
    expect(html).toMatch(/<details><summary>code \(\d+ lines\)<\/summary><pre>import pandas as pd/);
    expect(html).toContain("linguacodus view ");
    const images = outputs.filter((o) => o.data?.["image/png"]);
    expect(images).toHaveLength(1);
    expect(Buffer.from(join_(images[0]!.data!["image/png"]), "base64").subarray(1, 4).toString()).toBe("PNG");
  });

  it("run() returns every sample, the chosen code, figures, timings and tokens; save_notebook writes the run's notebook", () => {
    const r = JSON.parse(streamText(cells[2]!.outputs)) as Record<string, unknown> & { samples: string[]; figure_paths: string[]; timings: Record<string, number>; dir: string; notebook: string };
    expect(r.valid).toBe(true);
    expect(r.samples).toEqual(["c0-i0", "c1-i0"]);
    expect(r.chosen).toBe("c0-i0");
    expect(r.figures).toEqual(["Image"]);
    // The copy the record lists (exec/<n>/figures/), not a scan of the workspace.
    expect(r.figure_paths).toEqual([join(r.dir, "chains", "c0-i0", "exec", "001", "figures", "predicted-vs-true.png")]);
    expect(r.code).toBe(readFileSync(join(r.dir, "code", "final.py"), "utf8"));
    expect(r.timings.wall).toBeGreaterThan(0);
    expect(r.tokens).toBeGreaterThan(0);
    expect(r.view).toBe(`linguacodus view ${r.dir} --open`);
    // The CLI's own export (code/solution.ipynb of the chosen chain), copied.
    expect(readFileSync(r.notebook, "utf8")).toBe(readFileSync(join(r.dir, "chains", "c0-i0", "code", "solution.ipynb"), "utf8"));
    expect(r.magic_dir).not.toBe(r.dir);
  });

  it("an interrupted magic cell stops the CLI and keeps its run folder, recorded as interrupted", () => {
    expect(cells[4]!.outputs.some((o) => o.output_type === "error" && o.ename === "RunInterrupted")).toBe(true);
    const stopped = JSON.parse(streamText(cells[5]!.outputs)) as { run_dir: string; alive: boolean };
    expect(stopped.alive).toBe(false);
    const run = JSON.parse(readFileSync(join(stopped.run_dir, "run.json"), "utf8")) as { status: string; failure?: { message: string } };
    expect(run.status).toBe("failed");
    expect(run.failure?.message).toContain("interrupted (SIGINT)");
  });

  it("errors raise with the CLI's message", () => {
    expect(streamText(cells[6]!.outputs)).toMatch(/^ERROR .*no-such-task/);
  });

  it("the magic answers a free-form request (ask): the majority result, the samples' agreement, the figure", () => {
    const outputs = cells[7]!.outputs;
    const html = outputs.map((o) => join_(o.data?.["text/html"])).join("");
    expect(html).toContain("result <code>2.5</code>");
    expect(html).toContain("majority <code>2.5</code> — 2 of 2 samples (100%)");
    expect(outputs.filter((o) => o.data?.["image/png"])).toHaveLength(1);
  });

  it("generate_code returns the result, code, stdout and figures; bench() its runs; save_notebook the run's notebook", () => {
    const g = JSON.parse(streamText(cells[8]!.outputs)) as Record<string, unknown>;
    expect(g).toMatchObject({ result: 2.5, valid: true, samples: 1, figures: ["histogram.png"], stdout: "RESULT=2.5\n", analysis: [2.5, true, 2], bench: [1, 1, true] });
    expect((g.code as string).trim()).toBe(ANALYSIS_SCRIPT.trim());
    expect(g.tokens).toBeGreaterThan(0);
    // Progress came from the record as it grew: the run's folder and its attempts.
    const [progressDir, lines] = g.progress as [string, string[]];
    expect(progressDir).toBe(g.dir);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}attempt 001 \(initial\): ok/));
    expect(existsSync(join(work, "ask.ipynb"))).toBe(true);
  });

  it("the saved notebook of an ask run runs on the host: it reads the run's data folder, or the one LINGUACODUS_DATA_DIR names", async () => {
    const other = join(work, "other_data");
    mkdirSync(other);
    writeFileSync(join(other, "values.csv"), "value\n10\n20\n");
    const { LINGUACODUS_DATA_DIR: _unset, ...env } = process.env;
    const runSaved = async (extra: Record<string, string>) => {
      const executed = join(work, "host-out.ipynb");
      await exec(python, [join(here, "execute.py"), join(work, "host.ipynb"), executed, work], { env: { ...env, ...extra } });
      return (JSON.parse(readFileSync(executed, "utf8")) as { cells: { outputs?: Output[] }[] }).cells.map((c) => streamText(c.outputs ?? [])).join("");
    };
    expect(await runSaved({})).toBe("RESULT=2.5\n");
    expect(await runSaved({ LINGUACODUS_DATA_DIR: other })).toBe("RESULT=15.0\n");
  }, 120_000);

  it("no secret of the kernel's environment reaches a record, even through the CLI's own environment", () => {
    // The environment-reading script ran and its output is in the record…
    const stdouts = filesUnder(runs).filter((f) => f.endsWith("stdout.txt"));
    expect(stdouts.some((f) => readFileSync(f, "utf8").includes("LINGUACODUS_CLI="))).toBe(true);
    // …and no file of any run, the bench or the executed notebook holds a secret.
    for (const file of filesUnder(work)) {
      const text = readFileSync(file, "latin1");
      for (const [name, value] of Object.entries(SECRETS)) expect(text.includes(value), `${name} in ${file}`).toBe(false);
    }
  });
});
