// A local server speaking Gemini's REST protocol (POST /v1beta/models/<model>:generateContent, and
// :streamGenerateContent?alt=sse), for tests of the gemini provider through the real @langchain/google-genai
// client; a `gemini:<model>@<baseURL>` spec points the client at it. The test decides each reply.
import { once } from "node:events";
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface GeminiReceived {
  url: string;
  body: Record<string, unknown>;
  key: string | undefined;
}
/** An HTTP error, or an answer; `finishReason` MAX_TOKENS marks one cut at the token cap (with no text: no content at all). */
export type GeminiReply = { status: number; json: unknown } | { text: string; usage?: { prompt: number; completion: number }; finishReason?: string };

export interface GeminiTestServer {
  /** `http://127.0.0.1:<port>` */
  baseURL: string;
  received: GeminiReceived[];
  close(): Promise<void>;
}

const candidate = (text: string, finishReason?: string) => ({ content: { role: "model", parts: [{ text }] }, index: 0, ...(finishReason ? { finishReason } : {}) });
const usageOf = (u: { prompt: number; completion: number }) => ({ promptTokenCount: u.prompt, candidatesTokenCount: u.completion, totalTokenCount: u.prompt + u.completion });

/** Starts the server; `reply` answers each request from what it received (undefined: a 500 naming the gap). */
export async function startGeminiServer(reply: (request: GeminiReceived) => GeminiReply | undefined | Promise<GeminiReply | undefined>): Promise<GeminiTestServer> {
  const received: GeminiReceived[] = [];
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    let raw = "";
    for await (const part of req) raw += String(part);
    const match = /^\/v1beta\/models\/([^:/]+):(generateContent|streamGenerateContent)(\?alt=sse)?$/.exec(req.url ?? "");
    if (req.method !== "POST" || !match) {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: 404, message: `no route ${req.url}`, status: "NOT_FOUND" } }));
      return;
    }
    const request = { url: req.url ?? "", body: JSON.parse(raw) as Record<string, unknown>, key: req.headers["x-goog-api-key"] as string | undefined };
    received.push(request);
    const answer = (await reply(request)) ?? { status: 500, json: { error: { code: 500, message: "test server: no reply scripted", status: "INTERNAL" } } };
    if ("status" in answer) {
      res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.json));
      return;
    }
    const usage = usageOf(answer.usage ?? { prompt: 11, completion: 5 });
    if (match[2] === "streamGenerateContent") {
      // Server-sent events, the answer split over several chunks; usage rides on the last one, as Google's does.
      res.writeHead(200, { "content-type": "text/event-stream" });
      const pieces = answer.text.match(/.{1,4}/gs) ?? [""];
      pieces.forEach((piece, i) => {
        const last = i === pieces.length - 1;
        res.write(`data: ${JSON.stringify({ candidates: [candidate(piece, last ? "STOP" : undefined)], ...(last ? { usageMetadata: usage } : {}) })}\r\n\r\n`);
      });
      res.end();
      return;
    }
    const finish = answer.finishReason ?? "STOP";
    const only = answer.text === "" ? { index: 0, finishReason: finish } : candidate(answer.text, finish);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ candidates: [only], usageMetadata: usage }));
  };
  const server = createServer((req, res) => void handle(req, res));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
