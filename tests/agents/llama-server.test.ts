// Provider parity against a real OpenAI-compatible server: llama.cpp's `llama-server` (built by .ci/llama-server.sh,
// which the test command runs) serving a tiny GGUF. A structured answer the server cuts at the
// token cap (finish_reason "length", under its own json_schema grammar) is handled as the gguf provider handles it:
// "truncated at N tokens", one retry with that error, the failure thrown; both raw answers are in the transcript.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createAgentTeam, createMemoryTranscriptSink } from "../../agents/index.js";
import { writeTinyModels } from "../support/tiny-gguf.js";

const SERVER = join(process.env.LINGUACODUS_HOME ?? join(homedir(), ".linguacodus"), "llama.cpp", "bin", "llama-server");

let root: string;
let server: ChildProcess | undefined;
let baseURL: string;
let log = "";

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on("error", reject);
  });

beforeAll(async () => {
  if (!existsSync(SERVER)) throw new Error(`llama.cpp's server is not built (${SERVER}): run bash .ci/llama-server.sh (the test command does)`);
  root = mkdtempSync(join(tmpdir(), "lc-llama-server-"));
  const { modelPath } = writeTinyModels(root);
  const port = await freePort();
  server = spawn(SERVER, ["--model", modelPath, "--alias", "tiny", "--host", "127.0.0.1", "--port", String(port), "--ctx-size", "512", "--chat-template", "chatml"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout?.on("data", (d: Buffer) => (log += d.toString()));
  server.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  baseURL = `http://127.0.0.1:${port}/v1`;
  for (let i = 0; i < 600; i++) {
    if (server.exitCode !== null) throw new Error(`llama.cpp's server exited (${server.exitCode}): ${log.slice(-2000)}`);
    const up = await fetch(`${baseURL.replace(/\/v1$/, "")}/health`).then((r) => r.ok, () => false);
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`llama.cpp's server did not come up in 60 s: ${log.slice(-2000)}`);
}, 120_000);

afterAll(() => {
  server?.kill("SIGTERM");
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("openai provider against llama.cpp's server", () => {
  it("a structured answer cut at the token cap: truncated, retried with the error, raw answers kept", async () => {
    const sink = createMemoryTranscriptSink();
    const team = createAgentTeam({ models: { default: `openai:tiny@${baseURL}` }, transcript: sink, providers: { env: {} }, runId: "llama" });
    const Plan = z.object({ steps: z.array(z.string()).min(3), why: z.string() });
    const failure = await team
      .model("critic")
      .generateStructured([{ role: "user", content: "Plan the solution." }], Plan, { maxTokens: 6, temperature: 0, seed: 1, step: "critic" })
      .then(() => undefined, (error: unknown) => error as Error);
    await team.close();
    expect(failure?.name, failure?.message).toBe("StructuredOutputError");
    expect(failure?.message).toMatch(/Structured output failed validation twice \(role "critic", step "critic", model openai:tiny@.*\): truncated at 6 tokens/);
    expect(sink.lines).toHaveLength(2);
    for (const line of sink.lines) {
      expect(line.error).toBeNull();
      expect(line.response).toMatch(/^\s*\{/);
    }
    expect(JSON.stringify(sink.lines[1]!.messages)).toContain("did not validate: truncated at 6 tokens");
  }, 120_000);
});
