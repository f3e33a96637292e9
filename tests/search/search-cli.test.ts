// Tree search through the built CLI, with a local OpenAI-protocol server as the model: `run --search greedy` is
// killed with kill -9 in the middle of the search, and `run --resume` continues the tree after the last finished
// node — no node is made twice — and ends with the selected node's submission graded.
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readRunJson, readSearchNodes } from "../../execution/index.js";
import { forest } from "../benchmarks/bench-support.js";
import { cliPath, linguacodus } from "../support/cli.js";
import { fence } from "../support/fence.js";
import { type OpenAiTestServer } from "../support/openai-server.js";
import { tempDir, useCliAndModelServer } from "../pipeline/support.js";
import { until } from "../support/wait.js";

let server: OpenAiTestServer;
let taskDir: string;
let home: string;


// Every step answers a plan and a working script, a little slowly, so the kill lands mid-search.
useCliAndModelServer(async () => {
    await new Promise((r) => setTimeout(r, 300));
    return { text: `A random forest on the numeric columns.\n\n${fence(forest(1, "sample.columns[1]"))}` };
  }, (fixture) => ({ taskDir, server } = fixture));
beforeAll(() => {
  home = tempDir("lc-search-cli-home-");
});

describe("search through the CLI", () => {
  it("kill -9 mid-search, then --resume: the tree continues after the last finished node, none made twice", async () => {
    const out = tempDir("lc-search-cli-");
    const model = `openai:scripted@${server.baseURL}`;
    const args = ["run", taskDir, "--search", "greedy", "--steps", "5", "--drafts", "2", "--seed", "3", "--model", model, "--out", out];
    const first = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, LINGUACODUS_HOME: home }, stdio: "ignore" });
    const runDir = () => join(out, readdirSync(out)[0] ?? "none");
    await until("two finished nodes", () => readdirSync(out).length > 0 && readSearchNodes(runDir()).length >= 2, 240_000);
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    const before = readSearchNodes(runDir());
    expect(before.length).toBeGreaterThanOrEqual(2);
    expect(before.length).toBeLessThan(5);

    const resumed = await linguacodus(["run", "--resume", runDir(), "--json"], { LINGUACODUS_HOME: home });
    expect(resumed.code, resumed.stderr).toBe(0);
    const nodes = readSearchNodes(runDir());
    expect(nodes.map((n) => n.id)).toEqual(["n000", "n001", "n002", "n003", "n004"]);
    // The nodes finished before the kill are kept as they were.
    expect(nodes.slice(0, before.length)).toEqual(before);
    // Drafts first, then improvements of the best (nothing failed, so nothing to debug).
    expect(nodes.map((n) => n.operator)).toEqual(["draft", "draft", "improve", "improve", "improve"]);
    const run = readRunJson(runDir());
    expect(run).toMatchObject({ status: "succeeded", search: { policy: "greedy", steps: 5, done: 5, stopped: "steps" } });
    expect(JSON.parse(resumed.stdout)).toMatchObject({ valid: true });
  }, 600_000);
});
