// run.json's config is the typed run options: written as parsed, read back through the options schema, and records
// of older versions (a renamed key, fields added since, fields no longer known) read as --resume reads them.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RUN_FILES, RunRecordWriter, parseRunOptions, readRunJson } from "../../execution/index.js";
import { tempDir } from "./support.js";

describe("run.json config", () => {
  const dir = tempDir("lc-config-");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const init = { runId: "r", taskId: "t", taskDir: "/t", mode: "linguacodus" as const, versions: { linguacodus: "0", node: "v" }, models: {} };

  it("is the parsed options, typed", () => {
    const options = parseRunOptions({ mode: "direct", fixAttempts: 1, select: "validation" });
    const run = RunRecordWriter.create(join(dir, "new"), { ...init, config: options }).runJson;
    expect(run.config).toEqual(options);
    const back = readRunJson(join(dir, "new")).config;
    expect([back.mode, back.fixAttempts, back.select, back.chains]).toEqual(["direct", 1, "validation", 1]);
  });

  it("reads an older record: old key names, missing and unknown fields", () => {
    const runDir = join(dir, "old");
    RunRecordWriter.create(runDir, { ...init, config: parseRunOptions({}) });
    const path = join(runDir, RUN_FILES.run);
    const json = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    writeFileSync(path, JSON.stringify({ ...json, config: { mode: "linguacodus", parallel: 3, fixAttempts: 2, retiredFlag: true } }));
    const config = readRunJson(runDir).config;
    expect(config.chains).toBe(3);
    expect(config.fixAttempts).toBe(2);
    expect(config.plannerPrompt).toBe("json");
    expect("retiredFlag" in config).toBe(false);
  });
});
