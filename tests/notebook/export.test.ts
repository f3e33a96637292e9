// The notebook export of an analysis (codegen/notebook.ts): the script's "/data…" literals read DATA_DIR, which the
// notebook's first code cell sets to the run's host data folder. The rewritten script is run with the host's python3
// on a real folder, so a rewrite that breaks the syntax or the path fails here.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { mapDataPaths, toNotebook } from "../../codegen/index.js";
import { tempDir } from "../pipeline/support.js";

// Every literal form a script reads its data with, and forms that must stay as written.
const SCRIPT = `import glob, json, os
from pathlib import Path
a = open("/data/values.csv").read()
b = open(os.path.join("/data", "values.csv")).read()
name = "values"
c = open(f"/data/{name}.csv").read()
d = open("/data/{}.csv".format(name)).read()
e = open('/data/%s.csv' % name).read()
f = (Path("/data") / "values.csv").read_text()
g = open(r"/data/values.csv").read()
h = sorted(os.path.basename(p) for p in glob.glob("/data/*.csv"))
kept = [b"/data/values.csv", "/database", """/data/x"""]
assert a == b == c == d == e == f == g, "every form reads the same file"
print("RESULT=" + json.dumps({"values": a.split(), "files": h, "kept": [str(k) for k in kept]}))
`;

describe("the notebook export of an analysis", () => {
  it("rewrites the /data literals to DATA_DIR, leaves bytes and triple-quoted strings, and counts what it left", () => {
    const { script, left } = mapDataPaths(SCRIPT);
    expect(script).toContain('open((DATA_DIR + "/values.csv"))');
    expect(script).toContain('os.path.join(DATA_DIR, "values.csv")');
    expect(script).toContain('f"{DATA_DIR}/{name}.csv"');
    expect(script).toContain('(DATA_DIR + "/{}.csv").format(name)');
    expect(script).toContain('Path(DATA_DIR)');
    expect(script).toContain('(DATA_DIR + r"/values.csv")');
    expect(script).toContain('[b"/data/values.csv", "/database", """/data/x"""]');
    expect(left).toBe(2); // the bytes and the triple-quoted string ("/database" is another folder)
  });

  it("the notebook's cells, run in order with python3, read the host folder, or the one LINGUACODUS_DATA_DIR names", () => {
    const dir = tempDir("lc-export-");
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const data = join(dir, "input data"); // a space: the path is quoted, not pasted
    const other = join(dir, "other");
    for (const [folder, values] of [[data, "1\n2\n"], [other, "7\n"]] as const) {
      mkdirSync(folder);
      writeFileSync(join(folder, "values.csv"), values);
    }
    const notebook = toNotebook({ title: "mean", script: SCRIPT, dataDir: data });
    expect(notebook.cells[1]!.source.join("")).toContain("2 mentions of `/data` are not a plain path");
    const program = notebook.cells.filter((c) => c.cell_type === "code").map((c) => c.source.join("")).join("\n");
    expect(program.startsWith("import os\nDATA_DIR = ")).toBe(true);
    const run = (env: NodeJS.ProcessEnv) => execFileSync("python3", ["-c", program], { env: { PATH: process.env.PATH, ...env }, encoding: "utf8" });
    expect(JSON.parse(run({}).replace("RESULT=", ""))).toEqual({ values: ["1", "2"], files: ["values.csv"], kept: ["b'/data/values.csv'", "/database", "/data/x"] });
    expect(run({ LINGUACODUS_DATA_DIR: other })).toContain('"values": ["7"]');
  });

  it("a competition's notebook is unchanged (no data cell, no rewrite)", () => {
    const notebook = toNotebook({ title: "t", script: SCRIPT });
    expect(notebook.cells.map((c) => c.source.join("")).join("")).not.toContain("DATA_DIR");
  });
});
