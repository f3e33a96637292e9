// Secrets by value (issue 11 item 6): a model server whose 401 error echoes the key, and a base URL with a
// password, through the production wiring (keys from a .env file) and the real run: no file the run writes
// may contain either value, whatever its shape.
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Task } from "../../datasets/index.js";
import { readRunJson, runTask } from "../../execution/index.js";
import { type Wiring, createWiring } from "../../execution/wiring.js";
import { builtinTask, tempDir } from "./support.js";

// Not token-shaped (no sk- prefix, no label): only redaction by value can catch it.
const KEY = "lc-test-key-7f3a9b2c41d8e6";
const PASSWORD = "pw-s3cret-91x";

let server: Server;
let port = 0;
let wiring: Wiring;
let task: Task;
const savedKey = process.env.OPENAI_API_KEY;

async function handle(req: IncomingMessage, res: ServerResponse) {
  for await (const _ of req) void _;
  // As some servers do: the error names the credential it refused.
  res.writeHead(401, { "content-type": "application/json" });
  res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${req.headers.authorization ?? "none"}`, type: "invalid_request_error", code: "invalid_api_key" } }));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function holding(dir: string, value: string): string[] {
  return filesUnder(dir).filter((path) => readFileSync(path, "utf8").includes(value));
}

beforeAll(async () => {
  delete process.env.OPENAI_API_KEY; // the key comes from the .env file only
  server = createServer((req, res) => void handle(req, res));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  port = (server.address() as AddressInfo).port;
  const envFile = join(tempDir("lc-secrets-env-"), ".env");
  writeFileSync(envFile, `OPENAI_API_KEY=${KEY}\n`);
  wiring = await createWiring({ sandbox: "docker", envFile });
  task = await builtinTask();
});

afterAll(async () => {
  await wiring?.close();
  server?.close();
  if (savedKey !== undefined) process.env.OPENAI_API_KEY = savedKey;
});

describe("secrets by value", () => {
  it("a 401 that echoes the key from .env leaves no copy of the key in any file of the run", async () => {
    const outDir = tempDir("lc-secrets-key-");
    const error = await runTask(task, { mode: "direct", models: { default: `openai:gpt-x@http://127.0.0.1:${port}/v1` } }, { ...wiring, outDir }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/401|Incorrect API key/);
    expect(error?.message).not.toContain(KEY);
    const runDir = join(outDir, readdirSync(outDir)[0]!);
    // The failure is recorded (so the files were written with the server's words in them), without the key.
    const run = readRunJson(runDir);
    expect(run.status).toBe("failed");
    expect(run.failure?.message).toMatch(/Incorrect API key provided: Bearer \[REDACTED\]/);
    expect(filesUnder(runDir).map((p) => p.slice(runDir.length + 1))).toEqual(expect.arrayContaining(["run.json", "events.jsonl", "score.json", "transcripts.jsonl"]));
    expect(holding(runDir, KEY)).toEqual([]);
  });

  it("a password inside a base URL is not stored in any file of the run", async () => {
    const outDir = tempDir("lc-secrets-url-");
    const spec = `openai:gpt-x@http://lcuser:${PASSWORD}@127.0.0.1:${port}/v1`;
    const error = await runTask(task, { mode: "direct", models: { default: spec } }, { ...wiring, outDir }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeDefined();
    expect(error?.message ?? "").not.toContain(PASSWORD);
    const runDir = join(outDir, readdirSync(outDir)[0]!);
    const run = readRunJson(runDir);
    // The spec is kept, with its credential replaced.
    expect(run.models.direct).toBe(`openai:gpt-x@http://lcuser:[REDACTED]@127.0.0.1:${port}/v1`);
    expect(holding(runDir, PASSWORD)).toEqual([]);
  });
});
