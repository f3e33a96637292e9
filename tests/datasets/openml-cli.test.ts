// tasks import-openml through the CLI against a local server shaped like OpenML's REST API: imported folders
// validate and grade, the first fold becomes train/test, parquet data (written by pyarrow) is read where a record
// offers it, a multi-class AUC task grades as OpenML's weighted one-vs-rest AUC (checked against scikit-learn), a
// suite becomes a bench suite, and each bad input (unknown id, missing target, unsupported measure, unreachable
// server, non-numeric id, a parquet file without a declared column) is refused by name.
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveTasks } from "../../benchmarks/index.js";
import { checkTaskFolder, loadTask, readCsv } from "../../datasets/index.js";
import { linguacodus } from "../support/cli.js";
import { csv, tempDir } from "./fixtures.js";
import { runPythonReference } from "../support/python-reference.js";
import { carsArff, datasetJson, featuresJson, PIMA_FEATURES, writePimaParquet, glassArff, irisArff, N_BIN, N_GLASS, N_IRIS, N_REG, pimaArff, splitsArff, startFakeOpenML, taskJson, type FakeOpenML } from "./openml-server.js";

const cli = (args: string[]) => linguacodus(args, { NO_COLOR: "1" }, { sources: true, cwd: process.cwd() });

let api: FakeOpenML;
let out: string;


beforeAll(async () => {
  api = await startFakeOpenML();
  out = await tempDir("lc-openml-");
  const file = (path: string, text: string) => {
    api.route(path, text);
    return `${api.origin}${path}`;
  };
  const data = { 61: file("/data/v1/download/61/pima-mini.arff", pimaArff()), 62: file("/data/v1/download/62/cars.arff", carsArff()), 63: file("/data/v1/download/63/iris.arff", irisArff()) };
  api.route("/api/v1/json/data/61", datasetJson({ id: 61, name: "pima-mini", url: data[61], licence: "CC BY 4.0", citation: "Smith, J. (1988). Diabetes onset.", target: "class", ignore: "row_nr" }));
  api.route("/api/v1/json/data/62", datasetJson({ id: 62, name: "cars-mini", url: data[62], licence: "Public", target: "mpg" }));
  api.route("/api/v1/json/data/63", datasetJson({ id: 63, name: "iris-mini", url: data[63], target: "class" }));
  api.route("/api/v1/json/data/65", datasetJson({ id: 65, name: "glass-mini", url: file("/data/v1/download/65/glass.arff", glassArff()), target: "type" }));
  // pima-mini again, with a parquet copy (the ARFF is served too, and must not be read) and its features record
  const parquet = join(out, "pima-mini.pq");
  await writePimaParquet(parquet);
  const pq = file("/datasets/0000/0066/dataset_66.pq", "");
  api.route("/datasets/0000/0066/dataset_66.pq", new Uint8Array(await readFile(parquet)));
  api.route("/api/v1/json/data/66", datasetJson({ id: 66, name: "pima-parquet", url: file("/data/v1/download/66/never-read.arff", pimaArff()), parquetUrl: pq, target: "class", ignore: "row_nr" }));
  api.route("/api/v1/json/data/features/66", featuresJson(PIMA_FEATURES));
  // the same parquet under a features record naming a column it lacks
  api.route("/api/v1/json/data/67", datasetJson({ id: 67, name: "pima-wrong", url: data[61], parquetUrl: pq, target: "class" }));
  api.route("/api/v1/json/data/features/67", featuresJson([...PIMA_FEATURES, { name: "glucose", type: "numeric" }]));
  // a hostile record: its data "URL" is a host file
  api.route("/api/v1/json/data/64", datasetJson({ id: 64, name: "host-file", url: "file:///etc/passwd", target: "class" }));
  const tasks: [number, "Supervised Classification" | "Supervised Regression", number, string, string | null, number][] = [
    [1, "Supervised Classification", 61, "class", "area_under_roc_curve", N_BIN],
    [2, "Supervised Regression", 62, "mpg", null, N_REG],
    [3, "Supervised Classification", 63, "class", "predictive_accuracy", N_IRIS],
    [4, "Supervised Classification", 63, "species", "predictive_accuracy", N_IRIS],
    [5, "Supervised Classification", 63, "class", "kappa", N_IRIS],
    [6, "Supervised Classification", 64, "class", "predictive_accuracy", N_IRIS],
    [7, "Supervised Classification", 65, "type", "area_under_roc_curve", N_GLASS],
    [8, "Supervised Classification", 66, "class", "area_under_roc_curve", N_BIN],
    [9, "Supervised Classification", 67, "class", "area_under_roc_curve", N_BIN],
  ];
  for (const [id, type, datasetId, target, measure, rows] of tasks) {
    const splitsUrl = file(`/api_splits/get/${id}/Task_${id}_splits.arff`, splitsArff(rows));
    api.route(`/api/v1/json/task/${id}`, taskJson({ id, type, datasetId, target, measure, splitsUrl }));
  }
  api.route("/api/v1/json/study/10", { study: { id: "10", alias: "mini-cc", main_entity_type: "task", name: "A mini suite", tasks: { task_id: ["1", "2", "3"] } } });
}, 300_000);

afterAll(async () => {
  await api?.close();
});

describe("tasks import-openml", () => {
  it("imports classification and regression tasks whose folders validate, with metric, licence and citation from the records", async () => {
    const r = await cli(["tasks", "import-openml", "1", "2", "3", "--server", api.server, "--out", out]);
    expect(r.stderr + r.stdout).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/imported OpenML task 1 as openml-1 .*metric roc_auc/);
    expect(r.stdout).toMatch(/task 2 names no evaluation measure: graded by rmse/);

    const specs = await Promise.all([1, 2, 3].map(async (id) => (await loadTask(join(out, `openml-${id}`))).spec));
    expect(specs.map((s) => [s.metric.name, s.lower_is_better, s.target_columns[0]])).toEqual([
      ["roc_auc", false, "class"],
      ["rmse", true, "mpg"],
      ["accuracy", false, "class"],
    ]);
    for (const id of [1, 2, 3]) {
      const report = await checkTaskFolder(join(out, `openml-${id}`));
      expect(report.problems).toEqual([]);
    }
    expect(specs[0]!.license).toBe("CC BY 4.0");
    expect(specs[0]!.source.citation).toBe("Smith, J. (1988). Diabetes onset.");
    expect(specs[1]!.source.notes).toMatch(/no evaluation measure: graded by rmse/);
    expect(specs[2]!.license).toMatch(/unknown/);
    const description = await readFile(join(out, "openml-1", "description.md"), "utf8");
    expect(description).toContain("Citation: Smith, J. (1988). Diabetes onset.");
    expect(description).toContain("probability that `class` is 'tested_positive'");
  }, 60_000);

  it("makes repeat 0, fold 0 the train/test split, hides the target and leaves out ignored columns", async () => {
    const dir = join(out, "openml-1");
    const train = await readCsv(join(dir, "public", "train.csv"));
    const test = await readCsv(join(dir, "public", "test.csv"));
    const answers = await readCsv(join(dir, "private", "answers.csv"));
    expect(train.header).toEqual(["id", "plas", "blood type", "class"]);
    expect(test.header).toEqual(["id", "plas", "blood type"]);
    // fold 0 tests the even rows: 10 of 20 (plas = 80 + 5·row identifies the source row)
    expect(test.rowCount).toBe(N_BIN / 2);
    expect(train.rowCount).toBe(N_BIN / 2);
    const sourceRow = (plas: string) => (Number(plas) - 80) / 5;
    const testRows = test.columns[1]!.filter((p) => p !== "").map(sourceRow);
    expect(testRows.every((r) => r % 2 === 0)).toBe(true);
    expect(train.columns[1]).toContain(""); // source row 5 (odd → train) has plas '?': it stays missing
    // binary AUC: the target is 1 for tested_positive (rows 12…), 0 otherwise, and the answers say so per id
    const answerOf = new Map(answers.columns[0]!.map((id, i) => [id, answers.columns[1]![i]!]));
    test.columns[0]!.forEach((id, i) => {
      const plas = test.columns[1]![i]!;
      if (plas !== "") expect(answerOf.get(id)).toBe(sourceRow(plas) >= 12 ? "1" : "0");
    });
    expect(train.columns[2]).toContain("B,-");
    // ids are shuffled: the class-sorted source order does not survive in the train file
    expect(train.columns[3]!.join("")).not.toBe([...train.columns[3]!].sort().join(""));
  });

  it("grades the sample submission and a perfect one through 'grade'", async () => {
    for (const id of [1, 2, 3]) {
      const dir = join(out, `openml-${id}`);
      const sample = await cli(["grade", dir, join(dir, "public", "sample_submission.csv"), "--json"]);
      expect(sample.code).toBe(0);
      expect(JSON.parse(sample.stdout).valid).toBe(true);
    }
    const dir = join(out, "openml-3");
    const perfect = await cli(["grade", dir, join(dir, "private", "answers.csv"), "--json"]);
    expect(perfect.code).toBe(0);
    expect(JSON.parse(perfect.stdout).score).toBe(1);
  }, 60_000);

  it("reads the parquet copy where the record offers one: the ARFF's rows, typed by the features record", async () => {
    const r = await cli(["tasks", "import-openml", "8", "--server", api.server, "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(api.requests).toContain("/datasets/0000/0066/dataset_66.pq");
    expect(api.requests).toContain("/api/v1/json/data/features/66");
    expect(api.requests).not.toContain("/data/v1/download/66/never-read.arff");
    const [fromArff, fromParquet] = await Promise.all([1, 8].map(async (id) => (await loadTask(join(out, `openml-${id}`))).spec));
    expect(fromParquet!.source.notes).toMatch(/dataset 66 \(parquet data\)/);
    expect(fromArff!.source.notes).toMatch(/dataset 61 \(ARFF data\)/);
    expect((await checkTaskFolder(join(out, "openml-8"))).problems).toEqual([]);
    // Ids are shuffled per task; the rows without them are the same, missing value and quoted comma included.
    const rows = async (id: number, file: string) => {
      const t = await readCsv(join(out, `openml-${id}`, file));
      return { header: t.header, rows: Array.from({ length: t.rowCount }, (_, i) => t.columns.slice(1).map((c) => c[i]).join("|")).sort() };
    };
    for (const file of ["public/train.csv", "public/test.csv", "private/answers.csv"]) expect(await rows(8, file), file).toEqual(await rows(1, file));
    expect(await readFile(join(out, "openml-8", "description.md"), "utf8")).toContain("probability that `class` is 'tested_positive'");
  }, 60_000);

  it("imports a multi-class AUC task as one probability column per class, graded as OpenML's weighted one-vs-rest AUC (scikit-learn's)", async () => {
    const r = await cli(["tasks", "import-openml", "7", "--server", api.server, "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const dir = join(out, "openml-7");
    const { spec } = await loadTask(dir);
    const classes = ["build", "vehic", "contain", "head"];
    expect(spec.metric).toEqual({ name: "roc_auc", params: { average: "weighted" } });
    expect(spec.target_columns).toEqual(classes);
    expect(spec.source.notes).toMatch(/one probability column per class, graded by the one-vs-rest ROC-AUC weighted by each class's share/);
    expect((await checkTaskFolder(dir)).problems).toEqual([]);
    const [train, test, answers] = await Promise.all(["public/train.csv", "public/test.csv", "private/answers.csv"].map((f) => readCsv(join(dir, f))));
    expect(train!.header).toEqual(["id", "refractive", "type"]);
    expect(test!.header).toEqual(["id", "refractive"]);
    expect(answers!.header).toEqual(["id", ...classes]);
    const labels = Array.from({ length: answers!.rowCount }, (_, i) => classes.findIndex((_, c) => answers!.columns[c + 1]![i] === "1"));
    expect(labels.map((l) => classes[l]).sort()).toEqual(["build", "build", "build", "build", "build", "build", "contain", "contain", "head", "vehic", "vehic", "vehic"]);

    // A submission whose per-class AUCs differ, graded through the CLI and by scikit-learn.
    const raw = labels.map((label, i) => classes.map((_, c) => (c === label ? 0.3 : 0.1) + ((i * 7 + c * 3) % 5) / 10));
    const probs = raw.map((row) => row.map((v) => v / row.reduce((a, b) => a + b, 0)));
    const submission = join(dir, "..", "openml-7-submission.csv");
    await writeFile(submission, csv(["id", ...classes], answers!.columns[0]!.map((id, i) => [id, ...probs[i]!])));
    const graded = await cli(["grade", dir, submission, "--json"]);
    expect(graded.code, graded.stderr).toBe(0);
    const reference = await runPythonReference<{ weighted: number; macro: number }>(
      `import json, sys\nfrom sklearn.metrics import roc_auc_score\nd = json.load(sys.stdin)\nprint(json.dumps({a: roc_auc_score(d["y"], d["p"], multi_class="ovr", average=a, labels=list(range(4))) for a in ["weighted", "macro"]}))\n`,
      { y: labels, p: probs },
    );
    expect(Math.abs(reference.weighted - reference.macro)).toBeGreaterThan(1e-3);
    expect(JSON.parse(graded.stdout).score).toBeCloseTo(reference.weighted, 9);
    const perfect = await cli(["grade", dir, join(dir, "private", "answers.csv"), "--json"]);
    expect(JSON.parse(perfect.stdout).score).toBe(1);
  }, 300_000);

  it("refuses to replace a task folder without --force, replaces it with --force", async () => {
    const again = await cli(["tasks", "import-openml", "3", "--server", api.server, "--out", out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/openml-3 already exists; pass --force/);
    const forced = await cli(["tasks", "import-openml", "3", "--server", api.server, "--out", out, "--force"]);
    expect(forced.code).toBe(0);
    expect((await checkTaskFolder(join(out, "openml-3"))).ok).toBe(true);
  }, 60_000);

  it("imports a suite as a bench suite that tasks list shows and bench resolves", async () => {
    const home = await tempDir("lc-openml-suite-");
    const tasksDir = join(home, "tasks");
    const r = await cli(["tasks", "import-openml", "--suite", "10", "--server", api.server, "--out", tasksDir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/suite openml-suite-10: 3 imported, 0 kept, 0 failed/);
    // again without --force: the folders stay and so does the suite
    const again = await cli(["tasks", "import-openml", "--suite", "10", "--server", api.server, "--out", tasksDir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/suite openml-suite-10: 0 imported, 3 kept, 0 failed/);
    const list = await cli(["tasks", "list", "--dir", tasksDir, "--json"]);
    const suites = JSON.parse(list.stdout).suites as { name: string; tasks: string[] }[];
    expect(suites).toEqual([expect.objectContaining({ name: "openml-suite-10", tasks: ["openml-1", "openml-2", "openml-3"] })]);
    const refs = await resolveTasks(["openml-suite-10"], { tasksDir, prepare: false });
    expect(refs.map((t) => t.id)).toEqual(["openml-1", "openml-2", "openml-3"]);
    // an edited suite file cannot name a folder outside the tasks folder
    await writeFile(join(tasksDir, "suites", "openml-suite-10.txt"), "# edited\n../../etc\n");
    await expect(resolveTasks(["openml-suite-10"], { tasksDir, prepare: false })).rejects.toThrow(/not task ids: \.\.\/\.\.\/etc/);
  }, 90_000);

  it("names an unknown task id, a missing target, an unsupported measure and a non-numeric id, with the fix", async () => {
    const cases: [string[], RegExp][] = [
      [["999"], /OpenML task 999: GET .*\/task\/999 answered 404 \(OpenML error 152: Unknown task\); check the task id/],
      [["4"], /target 'species' is not a column of dataset 63 \(columns: petal_length, class\)/],
      [["5"], /scored by 'kappa', which has no metric here \(for classification: predictive_accuracy, area_under_roc_curve, f_measure\); pass --metric <name>/],
      [["../etc"], /'\.\.\/etc' is not an OpenML task id; give its number/],
      [["6"], /the data of OpenML dataset 64: 'file:\/\/\/etc\/passwd' is not an http\(s\) URL/],
      [["--suite", "77"], /OpenML suite 77: GET .*\/study\/77 answered 404/],
      [["9"], /the data of OpenML dataset 67 \(.*dataset_66\.pq\) lacks the column\(s\) glucose that OpenML's features record names/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(["tasks", "import-openml", ...args, "--server", api.server, "--out", out]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(join(out, "openml-999"))).toBe(false);
    const json = await cli(["tasks", "import-openml", "999", "--server", api.server, "--out", out, "--json"]);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).error).toMatch(/OpenML task 999: .* answered 404/);
    expect(existsSync(join(out, "openml-4"))).toBe(false);
    // --metric grades a task whose measure has no equal here
    const overridden = await cli(["tasks", "import-openml", "5", "--metric", "accuracy", "--server", api.server, "--out", out]);
    expect(overridden.code).toBe(0);
    expect((await loadTask(join(out, "openml-5"))).spec.metric.name).toBe("accuracy");
  }, 90_000);

  it("says an unreachable server is unreachable and how to go on", async () => {
    // a port nothing listens on: bind one, then close it
    const port = await new Promise<number>((done) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => done(p));
      });
    });
    const r = await cli(["tasks", "import-openml", "1", "--server", `http://127.0.0.1:${port}/api/v1/json`, "--out", out, "--force"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot reach OpenML: GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/json\/task\/1 failed \(ECONNREFUSED\); check --server/);
    // the earlier import of task 1 is untouched
    expect((await checkTaskFolder(join(out, "openml-1"))).ok).toBe(true);
  }, 30_000);
});
