// The openai provider through the real @langchain/openai client, against a chat-completions server in the test.
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  ContextOverflowError,
  MissingApiKeyError,
  ProviderUnreachableError,
  RateLimitError,
  createAgentTeam,
  createMemoryTranscriptSink,
} from "../../agents/index.js";
import type { ProviderOptions } from "../../agents/index.js";
import { type OpenAiTestServer, type ReceivedRequest, type ServerReply, startOpenAiServer } from "../support/openai-server.js";

let server: OpenAiTestServer;
let baseURL = "";
let replies: ServerReply[] = [];
// The requests since the test began (the server's list, emptied before each test).
let received: ReceivedRequest[] = [];

beforeAll(async () => {
  server = await startOpenAiServer(() => replies.shift() ?? { status: 500, json: { error: { message: "test server: no reply scripted" } } });
  baseURL = server.baseURL;
  received = server.received;
});
afterAll(() => server.close());
beforeEach(() => {
  received.length = 0;
  replies = [];
});

const noKeys: ProviderOptions = { env: {} };
const fast = { rateLimitRetries: 2, backoffMs: 5, maxBackoffMs: 20 };
function team(providers: ProviderOptions = noKeys, model = `openai:local-model@${baseURL}`) {
  const sink = createMemoryTranscriptSink();
  return { sink, team: createAgentTeam({ models: { default: model }, transcript: sink, providers, retry: fast, runId: "oa" }) };
}
const ask = [{ role: "system" as const, content: "You write code." }, { role: "user" as const, content: "Hello?" }];

describe("openai provider against a local chat-completions server", () => {
  it("answers without a key for a base-URL server, sending model, messages and parameters", async () => {
    replies = [{ text: "Hi there", usage: { prompt: 17, completion: 2, cached: 12 } }];
    const { team: t, sink } = team();
    const text = await t.model("coder").generate(ask, { temperature: 0.3, maxTokens: 64, seed: 9, step: "s1" });
    expect(text).toBe("Hi there");
    const body = received[0]!.body;
    expect(body).toMatchObject({ model: "local-model", temperature: 0.3, seed: 9 });
    expect(body.max_tokens ?? body.max_completion_tokens).toBe(64);
    expect(body.messages).toEqual([
      { role: "system", content: "You write code." },
      { role: "user", content: "Hello?" },
    ]);
    expect(sink.lines[0]).toMatchObject({ response: "Hi there", tokens: { input: 17, output: 2, cached: 12 }, params: { seed: 9 } });
    await t.close();
  });

  it("assembles a streamed answer (and its usage)", async () => {
    replies = [{ text: "streamed answer, in pieces", usage: { prompt: 20, completion: 6, cached: 16 } }];
    const { team: t, sink } = team({ ...noKeys, openai: { streaming: true } });
    expect(await t.model("planner").generate(ask)).toBe("streamed answer, in pieces");
    expect(received[0]!.body.stream).toBe(true);
    // The server's prefix-cache count (prompt_tokens_details.cached_tokens) is kept, streamed or not.
    expect(sink.lines[0]?.tokens).toEqual({ input: 20, output: 6, cached: 16 });
    // Structured output over a stream: response_format carries the schema, the pieces join into valid JSON.
    replies = [{ text: '{"ok": true, "label": "streamed"}' }];
    const Flag = z.object({ ok: z.boolean(), label: z.string() });
    expect(await t.model("planner").generateStructured(ask, Flag)).toEqual({ ok: true, label: "streamed" });
    expect((received[1]!.body.response_format as { type: string }).type).toBe("json_schema");
    await t.close();
  });

  it("asks for json_schema structured output and validates the answer", async () => {
    const Choice = z.object({ best: z.number().int().min(1).max(3), reason: z.string() });
    replies = [{ text: '{"best": 2, "reason": "simpler"}' }];
    const { team: t } = team();
    expect(await t.model("critic").generateStructured(ask, Choice)).toEqual({ best: 2, reason: "simpler" });
    const format = received[0]!.body.response_format as { type: string; json_schema: { schema: { required: string[] } } };
    expect(format.type).toBe("json_schema");
    expect(format.json_schema.schema.required).toEqual(["best", "reason"]);
    await t.close();
  });

  // A structured answer cut at the token cap is handled as the gguf provider handles it: named "truncated at N
  // tokens", retried with that error, the failure thrown after the retry; every raw answer stays in the transcript.
  it.each([false, true])("a structured answer cut at the token cap: truncated, retried, raw answers kept (streaming %s)", async (streaming) => {
    const Plan = z.object({ steps: z.array(z.string()), why: z.string() });
    const cut = ['{"steps": ["load the data", "fit a gradient boost', '{"steps": ["load", "fit"], "why": "because the'];
    replies = cut.map((text) => ({ text, usage: { prompt: 40, completion: 12 }, finishReason: "length" as const }));
    const { team: t, sink } = team({ ...noKeys, openai: { streaming } });
    const failure = await t
      .model("critic")
      .generateStructured(ask, Plan, { maxTokens: 12, step: "critic" })
      .then(() => undefined, (error: unknown) => error as Error);
    expect(failure?.name, failure?.message).toBe("StructuredOutputError");
    expect(failure?.message).toMatch(/Structured output failed validation twice \(role "critic", step "critic", model openai:local-model@.*\): truncated at 12 tokens/);
    expect(received).toHaveLength(2);
    expect(JSON.stringify(received[1]!.body.messages)).toContain("A previous answer to this did not validate: truncated at 12 tokens");
    expect(sink.lines.map((l) => [l.response, l.error])).toEqual(cut.map((text) => [text, null]));
    expect(sink.lines.map((l) => l.tokens)).toEqual([{ input: 40, output: 12 }, { input: 40, output: 12 }]);
    await t.close();
  });

  it("reads the key from .env, sends it, and keeps it out of the transcript", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lc-env-"));
    const key = "sk-test-abcdefghijklmnopqrstuvwxyz0123";
    writeFileSync(join(dir, ".env"), `OPENAI_API_KEY=${key}\n`);
    replies = [{ text: `echo ${key}` }];
    const { team: t, sink } = team({ env: {}, envFile: join(dir, ".env") });
    await t.model("coder").generate([{ role: "user", content: `my key is ${key}` }]);
    expect(received[0]!.authorization).toBe(`Bearer ${key}`);
    expect(JSON.stringify(sink.lines)).not.toContain("abcdefghijklmnop");
    await t.close();
  });

  it("says when the key is missing for api.openai.com", async () => {
    const { team: t } = team(noKeys, "openai:gpt-4o");
    const failure = t.model("coder").generate(ask);
    await expect(failure).rejects.toBeInstanceOf(MissingApiKeyError);
    await expect(failure).rejects.toThrow(/OPENAI_API_KEY is not set \(needed by openai:gpt-4o\).*\.env/);
  });

  it("says when the server is unreachable", async () => {
    const closed = createServer();
    closed.listen(0, "127.0.0.1");
    await once(closed, "listening");
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { team: t } = team(noKeys, `openai:m@http://127.0.0.1:${port}/v1`);
    const failure = t.model("coder").generate(ask, { step: "block-2" });
    await expect(failure).rejects.toBeInstanceOf(ProviderUnreachableError);
    await expect(failure).rejects.toThrow(/Cannot reach the model server \(role "coder", step "block-2", model openai:m@http/);
  });

  it("retries 429 with back-off and succeeds; gives up after the bound", async () => {
    const limited = { status: 429, json: { error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" } } };
    replies = [limited, limited, { text: "finally" }];
    const { team: t, sink } = team();
    expect(await t.model("coder").generate(ask)).toBe("finally");
    expect(received).toHaveLength(3);
    expect(sink.lines.map((l) => l.attempt)).toEqual([1, 2, 3]);

    received.length = 0;
    replies = [limited, limited, limited, limited];
    await expect(t.model("coder").generate(ask)).rejects.toBeInstanceOf(RateLimitError);
    expect(received).toHaveLength(3); // first try + 2 retries, no more
    await t.close();
  });

  it("names the prompt that exceeded the context length", async () => {
    replies = [
      {
        status: 400,
        json: {
          error: {
            message: "This model's maximum context length is 4096 tokens. However, your messages resulted in 9000 tokens.",
            type: "invalid_request_error",
            code: "context_length_exceeded",
          },
        },
      },
    ];
    const { team: t } = team();
    const failure = t.model("merger").generate(ask, { step: "merge-blocks" });
    await expect(failure).rejects.toBeInstanceOf(ContextOverflowError);
    await expect(failure).rejects.toThrow(/role "merger", step "merge-blocks".*maximum context length is 4096/s);
  });
});
