// A script that leaves a 1,200-deep folder tree beside its submission (issue 21 item 6), through the built CLI on
// the real Docker sandbox: the collector keeps submission.csv (the run is graded valid) and names the folders it did
// not search, with the reason, in the attempt's result.json.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AttemptResultSchema } from "../../execution/index.js";
import { linguacodus } from "../support/cli.js";
import { type OpenAiTestServer } from "../support/openai-server.js";
import { CONSTANT } from "../benchmarks/bench-support.js";
import { fence } from "../support/fence.js";
import { tempDir, useCliAndModelServer } from "./support.js";

// Folder by folder (os.makedirs recurses, and stops near 1,000 levels in Python 3.11).
const DEEP = `
import os
start = os.getcwd()
for _ in range(1200):
    os.mkdir("d")
    os.chdir("d")
open("deepest.txt", "w").write("x")
os.chdir(start)
`;

let server: OpenAiTestServer;
let taskDir: string;

useCliAndModelServer(() => ({ text: fence(`${CONSTANT}${DEEP}`) }), (fixture) => ({ taskDir, server } = fixture));

describe("a deep workspace tree", () => {
  it("keeps submission.csv and says which folders were not searched and why", async () => {
    const out = tempDir("lc-deep-workspace-");
    const r = await linguacodus(["run", taskDir, "--mode", "direct", "--fix-attempts", "0", "--model", `openai:scripted@${server.baseURL}`, "--out", out, "--json"], {
      LINGUACODUS_HOME: tempDir("lc-deep-workspace-home-"),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: true, attemptsUsed: 1 });
    const runDir = join(out, readdirSync(out)[0]!);
    const result = AttemptResultSchema.parse(JSON.parse(readFileSync(join(runDir, "exec", "001", "result.json"), "utf8")));
    const deep = `${Array.from({ length: 101 }, () => "d").join("/")}`;
    expect(result.skippedFiles).toEqual([{ name: deep, reason: "a folder nested more than 100 levels deep (not searched)" }]);
  }, 900_000);
});
