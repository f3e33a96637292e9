// Model pools: one logical model behind two OpenAI-protocol servers on 127.0.0.1. A bench through the CLI (real
// @langchain/openai client, real Docker sandbox) keeps going when one replica is stopped mid-bench: every call is
// answered, each transcript line names the replica that answered, and the calls the stopped one refused were
// retried on the other.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseModelSpec, formatModelSpec, readTranscript, type TranscriptLine } from "../../agents/index.js";
import { pickReplica } from "../../agents/providers/index.js";
import { readRunJson } from "../../execution/index.js";
import { CONSTANT, tasksWithReferences } from "../benchmarks/bench-support.js";
import { fence } from "../support/fence.js";
import { buildCli, linguacodus } from "../support/cli.js";

interface Replica {
  server: Server;
  url: string;
  answered: number;
}

let root: string;
let replicas: [Replica, Replica];
let stopB: () => void = () => undefined;

function completion(text: string) {
  return {
    id: "chatcmpl-pool",
    object: "chat.completion",
    created: 1,
    model: "scripted",
    choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };
}

/**
 * An OpenAI chat-completions server that answers every call with the constant-prediction script (a direct-mode
 * bench needs nothing else); `onAnswer` runs after each answer.
 */
async function startReplica(onAnswer: (replica: Replica) => void): Promise<Replica> {
  const replica = { answered: 0 } as Replica;
  replica.server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      for await (const part of req) void part;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(completion(fence(CONSTANT))));
      replica.answered += 1;
      onAnswer(replica);
    })();
  });
  replica.server.listen(0, "127.0.0.1");
  await new Promise((r) => replica.server.once("listening", r));
  replica.url = `http://127.0.0.1:${(replica.server.address() as AddressInfo).port}/v1`;
  return replica;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "lc-pool-"));
  await buildCli();
  const a = await startReplica(() => undefined);
  let stopped = false;
  // Replica B goes away after its second answer, while the bench is running.
  const b = await startReplica((self) => {
    if (self.answered === 2 && !stopped) {
      stopped = true;
      stopB();
    }
  });
  stopB = () => {
    b.server.close();
    b.server.closeAllConnections();
  };
  replicas = [a, b];
}, 600_000);

afterAll(() => {
  for (const r of replicas ?? []) {
    r.server.close();
    r.server.closeAllConnections();
  }
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("model pools", () => {
  it("parses openai:<model>@<url1>|<url2> as one logical model with replicas", () => {
    const spec = parseModelSpec("openai:qwen@http://a:8000/v1|http://b:8000/v1");
    expect(spec).toEqual({ provider: "openai", model: "qwen", baseURL: "http://a:8000/v1", replicas: ["http://a:8000/v1", "http://b:8000/v1"] });
    expect(formatModelSpec(spec)).toBe("openai:qwen@http://a:8000/v1|http://b:8000/v1");
    expect(() => parseModelSpec("openai:qwen@http://a:8000/v1|ftp://b")).toThrow(/every replica must be an http\(s\) URL/);
  });

  it("routes to the replica with the fewest calls in flight, skipping a down one until it is due back", () => {
    const r = (inFlight: number, calls: number, downUntil = 0) => ({ inFlight, calls, downUntil });
    const [a, b, c] = [r(2, 5), r(1, 9), r(1, 3)];
    expect(pickReplica([a, b, c], 100)).toBe(c);
    expect(pickReplica([a, b, r(0, 0, 200)], 100)).toBe(b);
    const [d1, d2] = [r(0, 0, 300), r(0, 0, 200)];
    expect(pickReplica([d1, d2], 100)).toBe(d2);
    expect(pickReplica([a], 100, new Set([a]))).toBeUndefined();
  });

  it("a bench keeps going when one replica stops mid-bench: every call answered, the replica recorded per call", async () => {
    const tasks = await tasksWithReferences(["concrete-strength"], join(root, "tasks"), join(tmpdir(), "linguacodus-test-tasks"));
    const poolFile = join(root, "pool.json");
    writeFileSync(poolFile, JSON.stringify({ scripted: replicas.map((r) => r.url) }));
    const out = join(root, "bench");
    const env = { ...process.env, LINGUACODUS_HOME: join(root, "home"), OPENAI_API_KEY: "" };
    const r = await linguacodus(["bench", tasks[0]!.dir, "--modes", "direct", "--repeats", "8", "--models", "openai:scripted", "--model-pool", poolFile, "--parallel", "3", "--no-report", "--out", out, "--json"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ succeeded: 8, failed: 0 });
    const lines: TranscriptLine[] = [];
    for (const id of JSON.parse(readFileSync(join(out, "bench.json"), "utf8")).runs.map((x: { id: string }) => x.id) as string[]) {
      expect(readRunJson(join(out, "runs", id)).status).toBe("succeeded");
      lines.push(...readTranscript(join(out, "runs", id)));
    }
    const [a, b] = replicas;
    // every call answered, under the logical model's name
    expect(lines.length).toBeGreaterThanOrEqual(8);
    expect(lines.every((l) => l.response !== null && l.error === null && l.model === "openai:scripted")).toBe(true);
    // counts per replica, from the transcripts, match what each server answered
    const count = (url: string) => lines.filter((l) => l.servedBy?.replica === url).length;
    expect(count(b.url)).toBe(2);
    expect(count(a.url)).toBe(a.answered);
    expect(count(a.url) + count(b.url)).toBe(lines.length);
    // after B stopped, calls routed to it were retried on A, and the transcript says so
    const retried = lines.filter((l) => l.servedBy?.skipped?.length);
    expect(retried.length).toBeGreaterThan(0);
    expect(retried.every((l) => l.servedBy?.replica === a.url && l.servedBy.skipped?.[0]?.replica === b.url)).toBe(true);
  }, 600_000);
});
