// A local server speaking the OpenAI chat-completions protocol (JSON and server-sent-event streaming), for tests
// that need an `openai:<model>@<url>` spec a child process can reach. The test decides each reply.
import { once } from "node:events";
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  body: Record<string, unknown>;
  authorization: string | undefined;
}

/** Token counts to report; `cached`: prompt tokens served from the server's prefix cache (prompt_tokens_details). */
export type Usage = { prompt: number; completion: number; cached?: number };
/** An HTTP error with a JSON body, or an answer (with the token counts to report; "length": cut at the token cap). */
export type ServerReply = { status: number; json: unknown } | { text: string; usage?: Usage; finishReason?: "stop" | "length" };

export interface OpenAiTestServer {
  /** `http://127.0.0.1:<port>/v1` */
  baseURL: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

const DEFAULT_USAGE: Usage = { prompt: 11, completion: 5 };

function usageJson(usage: Usage) {
  return {
    prompt_tokens: usage.prompt,
    completion_tokens: usage.completion,
    total_tokens: usage.prompt + usage.completion,
    ...(usage.cached !== undefined ? { prompt_tokens_details: { cached_tokens: usage.cached } } : {}),
  };
}

function completion(model: string, text: string, usage: Usage, finishReason: string) {
  return {
    id: "chatcmpl-test",
    object: "chat.completion",
    created: 1,
    model,
    choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: finishReason }],
    usage: usageJson(usage),
  };
}

function stream(res: ServerResponse, model: string, text: string, includeUsage: boolean, usage: Usage, finishReason: string) {
  res.writeHead(200, { "content-type": "text/event-stream" });
  const chunk = (delta: object, finish: string | null) =>
    `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  res.write(chunk({ role: "assistant", content: "" }, null));
  // Split the answer into several deltas, as real servers do.
  for (let i = 0; i < text.length; i += 4) res.write(chunk({ content: text.slice(i, i + 4) }, null));
  res.write(chunk({}, finishReason));
  if (includeUsage) {
    res.write(`data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model, choices: [], usage: usageJson(usage) })}\n\n`);
  }
  res.end("data: [DONE]\n\n");
}

/** Starts the server; `reply` answers each POST /v1/chat/completions from its parsed body (a promise: later). */
export async function startOpenAiServer(reply: (body: Record<string, unknown>) => ServerReply | Promise<ServerReply>): Promise<OpenAiTestServer> {
  const received: ReceivedRequest[] = [];
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    let raw = "";
    for await (const part of req) raw += String(part);
    if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
      res.writeHead(404).end();
      return;
    }
    const body = JSON.parse(raw) as Record<string, unknown>;
    received.push({ body, authorization: req.headers.authorization });
    const answer = await reply(body);
    if ("status" in answer) {
      res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.json));
      return;
    }
    const model = String(body.model);
    const usage = answer.usage ?? DEFAULT_USAGE;
    if (body.stream === true) {
      const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
      stream(res, model, answer.text, includeUsage, usage, answer.finishReason ?? "stop");
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(completion(model, answer.text, usage, answer.finishReason ?? "stop")));
  };
  const server = createServer((req, res) => void handle(req, res));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The text of the last user message of a chat-completions body. */
export function lastUserText(body: Record<string, unknown>): string {
  const messages = (body.messages ?? []) as { role: string; content: unknown }[];
  const user = messages.filter((m) => m.role === "user").at(-1);
  return typeof user?.content === "string" ? user.content : JSON.stringify(user?.content ?? "");
}
