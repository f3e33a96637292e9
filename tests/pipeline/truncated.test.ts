// `linguacodus run` with an OpenAI-protocol model whose structured answers are cut at the token cap
// (finish_reason "length"), through the built CLI and the real @langchain/openai client: the run records the
// planner stage's failure with "truncated at N tokens" after one retry (as with a gguf model), not LangChain's
// "Could not parse response content as the length limit was reached", and the transcript keeps both raw answers.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTranscript } from "../../agents/index.js";
import type { Task } from "../../datasets/index.js";
import { buildCli, linguacodus } from "../support/cli.js";
import { type OpenAiTestServer, startOpenAiServer } from "../support/openai-server.js";
import { builtinTask, tempDir } from "./support.js";

const CUT = '{"instructions": [{"rank": 1, "title": "Gradient boosting on the numeric col';
let task: Task;
let server: OpenAiTestServer;

beforeAll(async () => {
  await buildCli();
  task = await builtinTask();
  server = await startOpenAiServer(() => ({ text: CUT, usage: { prompt: 900, completion: 24 }, finishReason: "length" }));
}, 600_000);
afterAll(() => server?.close());

describe("linguacodus run: a structured answer cut at the token cap (OpenAI protocol)", () => {
  it("fails the planner stage as 'truncated at N tokens' after one retry, keeping both raw answers", async () => {
    const out = tempDir("lc-cli-truncated-");
    const r = await linguacodus(["run", task.dir, "--model", `openai:tiny@${server.baseURL}`, "--max-tokens", "24", "--out", out], { LINGUACODUS_HOME: tempDir("lc-home-") });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).not.toMatch(/length limit was reached/);
    const [runFolder] = readdirSync(out);
    const runJson = JSON.parse(readFileSync(join(out, runFolder!, "run.json"), "utf8")) as { status: string; failure: { stage: string; message: string } };
    expect(runJson).toMatchObject({ status: "failed", failure: { stage: "planner" } });
    expect(runJson.failure.message).toMatch(/Structured output failed validation twice .*truncated at 24 tokens/);
    const calls = readTranscript(join(out, runFolder!, "transcripts.jsonl"));
    expect(calls.map((c) => [c.role, c.response, c.error])).toEqual([
      ["planner", CUT, null],
      ["planner", CUT, null],
    ]);
    expect(server.received).toHaveLength(2);
  }, 600_000);
});
