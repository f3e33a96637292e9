// Images in a chat turn, through the real @langchain/openai client against the local OpenAI-protocol server: sent as
// image_url data URLs after the text; the transcript keeps each image's name, size and hash but never its bytes;
// the openai provider says it sees images, an injected test model does not; a replay of the recording sees them
// too, answers the same prompt, and refuses a prompt whose image differs or is missing.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChatTurn, ReplayMismatchError, createAgentTeam, createJsonlTranscriptSink, createMemoryTranscriptSink, readTranscript } from "../../agents/index.js";
import { startOpenAiServer, type OpenAiTestServer } from "../support/openai-server.js";
import { scriptedModel } from "../support/scripted-model.js";

// A 1×1 PNG (any bytes would do for the protocol; these are a real image).
const PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";
const OTHER = Buffer.from(PIXEL, "base64").toString("base64").replace(/C$/, "D");
const prompt = (data: string): ChatTurn[] => [
  { role: "system", content: "You review plots." },
  { role: "user", content: "What does the plot show?", images: [{ name: "plot.png", mimeType: "image/png", data, width: 1, height: 1 }] },
];

let server: OpenAiTestServer;
beforeAll(async () => {
  server = await startOpenAiServer(() => ({ text: "a single dark pixel" }));
});
afterAll(() => server.close());

describe("images in chat turns", () => {
  it("are sent as image_url parts, recorded by hash, and replayed only for the same images", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lc-images-"));
    const transcript = join(dir, "transcripts.jsonl");
    const team = createAgentTeam({ models: { default: `openai:vl@${server.baseURL}` }, transcript: createJsonlTranscriptSink(transcript), runId: "img" });
    await expect(team.model("reviewer").seesImages!()).resolves.toBe(true);
    await expect(team.model("reviewer").generate(prompt(PIXEL), { step: "review-1" })).resolves.toBe("a single dark pixel");
    const content = (server.received[0]!.body.messages as { content: unknown }[]).at(-1)!.content;
    expect(content).toEqual([
      { type: "text", text: "What does the plot show?" },
      { type: "image_url", image_url: { url: `data:image/png;base64,${PIXEL}` } },
    ]);
    const [line] = readTranscript(dir);
    expect(line!.messages.at(-1)!.images).toEqual([{ name: "plot.png", mimeType: "image/png", bytes: Buffer.from(PIXEL, "base64").length, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), width: 1, height: 1 }]);
    expect(readFileSync(transcript, "utf8")).not.toContain(PIXEL.slice(0, 40));
    await team.close();

    const replay = () => createAgentTeam({ models: { default: `replay:${dir}` }, transcript: createMemoryTranscriptSink(), runId: "re" });
    const same = replay();
    await expect(same.model("reviewer").seesImages!()).resolves.toBe(true);
    await expect(same.model("reviewer").generate(prompt(PIXEL), { step: "review-1" })).resolves.toBe("a single dark pixel");
    await expect(replay().model("reviewer").generate(prompt(OTHER), { step: "review-1" })).rejects.toThrow(/images differ/);
    await expect(replay().model("reviewer").generate([prompt(PIXEL)[0]!, { role: "user", content: "What does the plot show?" }], { step: "review-1" })).rejects.toThrow(ReplayMismatchError);
    await expect(replay().model("reviewer").generate([prompt(PIXEL)[0]!, { role: "user", content: "What does the plot show?" }], { step: "review-1" })).rejects.toThrow(/had 1 images, now 0/);
    // The replay of a role that saw no image is text-only.
    await expect(replay().model("coder").seesImages!()).resolves.toBe(false);
  });

  it("an injected test model reads text only", async () => {
    const team = createAgentTeam({ models: { default: "openai:scripted" }, transcript: createMemoryTranscriptSink(), resolveChatModel: () => scriptedModel(() => "ok") });
    await expect(team.model("reviewer").seesImages!()).resolves.toBe(false);
  });
});
