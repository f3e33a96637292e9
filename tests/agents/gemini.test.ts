// The gemini provider through the real @langchain/google-genai client, against a local server on 127.0.0.1 that
// speaks Gemini's REST protocol (POST /v1beta/models/<model>:generateContent, and :streamGenerateContent?alt=sse),
// as the openai test does for chat completions. The spec's @<baseURL> points the client at it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { MissingApiKeyError, RateLimitError, createAgentTeam, createMemoryTranscriptSink, createProviderResolver, parseModelSpec, type ProviderOptions } from "../../agents/index.js";
import { type GeminiReceived, type GeminiReply, type GeminiTestServer, startGeminiServer } from "../support/gemini-server.js";

let server: GeminiTestServer;
let baseURL = "";
let received: GeminiReceived[] = [];
let replies: GeminiReply[] = [];

beforeAll(async () => {
  server = await startGeminiServer(() => replies.shift());
  baseURL = server.baseURL;
});
afterAll(() => server.close());
beforeEach(() => {
  server.received.length = 0;
  received = server.received;
  replies = [];
});

const KEY = "gemini-test-key-0123456789abcdef";
const fast = { rateLimitRetries: 2, backoffMs: 5, maxBackoffMs: 20 };
function team(providers: ProviderOptions = { env: { GEMINI_API_KEY: KEY } }) {
  const sink = createMemoryTranscriptSink();
  return { sink, team: createAgentTeam({ models: { default: `gemini:gemini-2.0-flash@${baseURL}` }, transcript: sink, providers, retry: fast, runId: "gm" }) };
}
const ask = [{ role: "system" as const, content: "You write code." }, { role: "user" as const, content: "Hello?" }];

describe("gemini provider", () => {
  it("names both key variables when neither is set", async () => {
    const resolver = createProviderResolver({ env: {} });
    const failure = Promise.resolve(resolver.resolve("gemini:gemini-2.0-flash", "planner"));
    await expect(failure).rejects.toBeInstanceOf(MissingApiKeyError);
    await expect(failure).rejects.toThrow(/GEMINI_API_KEY \(or GOOGLE_API_KEY\) is not set \(needed by gemini:gemini-2.0-flash\)/);
  });

  it("parses gemini:<model>@<baseURL>", () => {
    expect(parseModelSpec("gemini:gemini-2.0-flash@http://127.0.0.1:8080")).toEqual({ provider: "gemini", model: "gemini-2.0-flash", baseURL: "http://127.0.0.1:8080" });
    expect(() => parseModelSpec("gemini:@http://127.0.0.1:1")).toThrow(/model name is empty/);
  });
});

describe("gemini provider against a local server speaking Gemini's REST protocol", () => {
  it.each(["GEMINI_API_KEY", "GOOGLE_API_KEY"])("generateContent: sends the key (%s), system instruction, contents and parameters; records usage", async (name) => {
    replies = [{ text: "Hi there", usage: { prompt: 17, completion: 2 } }];
    const { team: t, sink } = team({ env: { [name]: KEY } });
    expect(await t.model("coder").generate(ask, { temperature: 0.3, maxTokens: 64, step: "s1" })).toBe("Hi there");
    const [request] = received;
    expect(request!.url).toBe("/v1beta/models/gemini-2.0-flash:generateContent");
    expect(request!.key).toBe(KEY);
    expect(request!.body.contents).toEqual([{ role: "user", parts: [{ text: "Hello?" }] }]);
    expect(request!.body.systemInstruction).toMatchObject({ parts: [{ text: "You write code." }] });
    expect(request!.body.generationConfig).toMatchObject({ temperature: 0.3, maxOutputTokens: 64 });
    expect(sink.lines[0]).toMatchObject({ role: "coder", step: "s1", response: "Hi there", tokens: { input: 17, output: 2 } });
    expect(JSON.stringify(sink.lines)).not.toContain(KEY);
    await t.close();
  });

  it("asks for JSON with the schema and validates the structured answer", async () => {
    const Choice = z.object({ best: z.number().int().min(1).max(3), reason: z.string() });
    replies = [{ text: '{"best": 2, "reason": "simpler"}' }];
    const { team: t } = team();
    expect(await t.model("critic").generateStructured(ask, Choice)).toEqual({ best: 2, reason: "simpler" });
    const config = received[0]!.body.generationConfig as { responseMimeType?: string; responseSchema?: { required?: string[] }; responseJsonSchema?: { required?: string[] } };
    expect(config.responseMimeType).toBe("application/json");
    expect((config.responseJsonSchema ?? config.responseSchema)?.required).toEqual(["best", "reason"]);
    await t.close();
  });

  it("streamGenerateContent: assembles a streamed answer and its usage", async () => {
    replies = [{ text: "streamed answer, in pieces", usage: { prompt: 20, completion: 6 } }];
    const { team: t, sink } = team({ env: { GEMINI_API_KEY: KEY }, gemini: { streaming: true } });
    expect(await t.model("planner").generate(ask)).toBe("streamed answer, in pieces");
    expect(received[0]!.url).toBe("/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse");
    expect(sink.lines[0]?.tokens).toEqual({ input: 20, output: 6 });
    await t.close();
  });

  it("retries 429 RESOURCE_EXHAUSTED with back-off and succeeds; gives up after the bound", async () => {
    const limited = { status: 429, json: { error: { code: 429, message: "Resource has been exhausted (e.g. check quota).", status: "RESOURCE_EXHAUSTED" } } };
    replies = [limited, { text: "finally" }];
    const { team: t, sink } = team();
    expect(await t.model("coder").generate(ask)).toBe("finally");
    expect(sink.lines.map((l) => l.attempt)).toEqual([1, 2]);
    received.length = 0;
    replies = [limited, limited, limited, limited];
    await expect(t.model("coder").generate(ask)).rejects.toBeInstanceOf(RateLimitError);
    expect(received).toHaveLength(3);
    await t.close();
  });
  // As the gguf provider: a structured answer cut at the token cap is named, retried with the error, and fails
  // after the retry; Gemini's "no content, MAX_TOKENS" (the cap reached before any text) is an empty cut answer.
  it("a structured answer cut at the token cap: truncated, retried, raw answers kept", async () => {
    replies = [
      { text: '{"steps": ["load the data", "fit', usage: { prompt: 30, completion: 8 }, finishReason: "MAX_TOKENS" },
      { text: "", usage: { prompt: 30, completion: 8 }, finishReason: "MAX_TOKENS" },
    ];
    const { team: t, sink } = team();
    const failure = await t
      .model("critic")
      .generateStructured(ask, z.object({ steps: z.array(z.string()) }), { maxTokens: 8 })
      .then(() => undefined, (error: unknown) => error as Error);
    expect(failure?.name, failure?.message).toBe("StructuredOutputError");
    expect(failure?.message).toMatch(/validation twice .*: truncated at 8 tokens/);
    expect(received).toHaveLength(2);
    expect(JSON.stringify(received[1]!.body.contents)).toContain("did not validate: truncated at 8 tokens");
    expect(sink.lines.map((l) => [l.response, l.error])).toEqual([
      ['{"steps": ["load the data", "fit', null],
      ["", null],
    ]);
    await t.close();
  });
});
