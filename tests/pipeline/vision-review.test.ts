// Feedback rounds pass the figures a script saved to the reviewer as images, through the built CLI, the real Docker
// sandbox and the real LangChain clients: the local OpenAI-protocol server must receive `image_url` data URLs and
// the Gemini-protocol server inline data — PNGs only (the SVG is named with the reason), at most the cap, each
// downscaled to the bound — and answers scripted feedback (change, then keep: the rounds stop). A text-only
// reviewer (the scripted model) gets the figures' names and sizes, and the record says it did not see them; so does
// one behind an OpenAI URL whose server refuses image parts (the round is asked again without them).
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTranscript } from "../../agents/index.js";
import { readEvents, runTask, type RunEvent } from "../../execution/index.js";
import { linguacodus } from "../support/cli.js";
import { fence } from "../support/fence.js";
import { type GeminiReceived, type GeminiTestServer, startGeminiServer } from "../support/gemini-server.js";
import { lastUserText, startOpenAiServer, type OpenAiTestServer } from "../support/openai-server.js";
import { CONSTANT_SUBMISSION, builtinTask, callKind, sandboxSuite, scriptedDeps, tempDir } from "./support.js";
import { buildCli } from "../support/cli.js";

/** A direct script that writes a valid submission, prints `score`, and saves a large and a small PNG and an SVG. */
function script(score: number): string {
  return `import csv, matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
${CONSTANT_SUBMISSION}
big = plt.figure(figsize=(20, 10), dpi=100)
plt.plot([0, 1, 2], [2, 0, 1])
big.savefig("curve.png")
small = plt.figure(figsize=(3, 2), dpi=100)
plt.bar(["a", "b"], [1, 2])
small.savefig("hist.png")
small.savefig("notes.svg")
print("VALIDATION_SCORE=${score}")
`;
}

const isReview = (text: string) => text.includes("## Current script (feedback round");
const round = (text: string) => Number(/feedback round (\d+)/.exec(text)?.[1]);

/** The reviewer changes the script in round 1 (a better score) and keeps it in round 2. */
function answer(text: string): string {
  if (!isReview(text)) return fence(script(12));
  return round(text) === 1 ? `The curve shows underfitting; a better model.\n${fence(script(9))}` : "NO CHANGES";
}

/** Width and height from a PNG's IHDR header. */
function pngSize(base64: string): { width: number; height: number; signature: string } {
  const bytes = Buffer.from(base64, "base64");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), signature: bytes.subarray(1, 4).toString() };
}

type ReviewEvent = Extract<RunEvent, { type: "review.finished" }>;
const reviews = (runDir: string) => readEvents(runDir).filter((e): e is ReviewEvent => e.type === "review.finished");

/** What every reviewer of a vision model must have recorded: two images sent, the SVG not, the rounds stopped. */
function expectSeenRecord(runDir: string): void {
  const [first, second] = reviews(runDir);
  expect(first).toMatchObject({ round: 1, changed: true, figures: { seen: true, attempt: "001", limits: { maxImages: 4, maxSide: 768 } } });
  expect(second).toMatchObject({ round: 2, changed: false, figures: { seen: true, attempt: "002" } });
  const figures = first!.figures!.figures;
  expect(figures.map((f) => [f.name, f.shown, f.sent?.width, f.sent?.height])).toEqual([
    ["curve.png", true, 768, 384],
    ["hist.png", true, 300, 200],
    ["notes.svg", false, undefined, undefined],
  ]);
  expect(figures[2]!.reason).toMatch(/SVG is not rasterised/);
  expect(existsSync(join(runDir, figures[0]!.sent!.path))).toBe(true);
  // The transcript names the images and their hashes, never their bytes.
  const reviewCall = readTranscript(runDir).find((l) => l.role === "reviewer")!;
  expect(reviewCall.messages.at(-1)!.images?.map((i) => [i.name, i.mimeType, i.width, i.height])).toEqual([
    ["curve.png", "image/png", 768, 384],
    ["hist.png", "image/png", 300, 200],
  ]);
  expect(readFileSync(join(runDir, "transcripts.jsonl"), "utf8")).not.toContain("iVBORw0KGgo");
  // identical code stopped the rounds: no third review
  expect(reviews(runDir)).toHaveLength(2);
}

let taskDir: string;
let openai: OpenAiTestServer;
let gemini: GeminiTestServer;
beforeAll(async () => {
  await buildCli();
  taskDir = (await builtinTask()).dir;
  openai = await startOpenAiServer((body) => ({ text: answer(lastUserText(body)) }));
  gemini = await startGeminiServer((request) => ({ text: answer(geminiUserText(request)) }));
}, 600_000);
afterAll(async () => {
  await openai?.close();
  await gemini?.close();
});

type GeminiPart = { text?: string; inlineData?: { mimeType: string; data: string } };
const geminiParts = (request: GeminiReceived): GeminiPart[] => ((request.body.contents as { parts: GeminiPart[] }[]).at(-1)?.parts ?? []);
const geminiUserText = (request: GeminiReceived) => geminiParts(request).map((p) => p.text ?? "").join("");

const runArgs = (spec: string, out: string) => ["run", taskDir, "--mode", "direct", "--fix-attempts", "0", "--feedback-iterations", "3", "--model", spec, "--out", out];

describe("a reviewer that sees figures", () => {
  it("OpenAI protocol: the reviewer gets the PNGs as image_url data URLs, downscaled, and its answers drive the rounds", async () => {
    const out = tempDir("lc-vision-openai-");
    const r = await linguacodus(runArgs(`openai:vl@${openai.baseURL}`, out), { LINGUACODUS_HOME: tempDir("lc-vision-home-") });
    expect(r.code, r.stderr).toBe(0);
    const reviewBodies = openai.received.map((q) => q.body).filter((b) => isReview(lastUserText(b)));
    expect(reviewBodies).toHaveLength(2);
    const messages = reviewBodies[0]!.messages as { role: string; content: unknown }[];
    const parts = messages.at(-1)!.content as { type: string; text?: string; image_url?: { url: string } }[];
    expect(parts.map((p) => p.type)).toEqual(["text", "image_url", "image_url"]);
    const images = parts.slice(1).map((p) => /^data:image\/png;base64,(.+)$/.exec(p.image_url!.url)![1]!);
    expect(images.map(pngSize)).toEqual([
      { width: 768, height: 384, signature: "PNG" },
      { width: 300, height: 200, signature: "PNG" },
    ]);
    expect(parts[0]!.text).toMatch(/- curve\.png \(PNG, 2000×1000 px, [\d.]+ KiB\) — image 1\n- hist\.png \(PNG, 300×200 px, [\d.]+ KiB\) — image 2\n- notes\.svg \(SVG, [\d.]+ KiB\) — not attached: SVG is not rasterised/);
    // Earlier turns carry no images: only the reviewer's last user turn.
    expect(messages.slice(0, -1).every((m) => typeof m.content === "string")).toBe(true);
    expectSeenRecord(join(out, readdirSync(out)[0]!));
  }, 600_000);

  it("Gemini protocol: the same figures arrive as inline data", async () => {
    const out = tempDir("lc-vision-gemini-");
    const r = await linguacodus(runArgs(`gemini:gemini-2.0-flash@${gemini.baseURL}`, out), { LINGUACODUS_HOME: tempDir("lc-vision-home-"), GEMINI_API_KEY: "gemini-test-key-0123456789abcdef" });
    expect(r.code, r.stderr).toBe(0);
    const reviewRequests = gemini.received.filter((q) => isReview(geminiUserText(q)));
    expect(reviewRequests).toHaveLength(2);
    const inline = geminiParts(reviewRequests[0]!).filter((p) => p.inlineData);
    expect(inline.map((p) => p.inlineData!.mimeType)).toEqual(["image/png", "image/png"]);
    expect(inline.map((p) => pngSize(p.inlineData!.data))).toEqual([
      { width: 768, height: 384, signature: "PNG" },
      { width: 300, height: 200, signature: "PNG" },
    ]);
    expectSeenRecord(join(out, readdirSync(out)[0]!));
  }, 600_000);
});

describe("a server that refuses images", () => {
  it("a text-only model behind an OpenAI URL answers 400 to image parts: the round is asked again with names and sizes", async () => {
    const hasImages = (body: Record<string, unknown>) => JSON.stringify(body.messages).includes('"image_url"');
    const textOnly = await startOpenAiServer((body) =>
      hasImages(body) ? { status: 400, json: { error: { message: "coder-7b is not a multimodal model", type: "BadRequestError" } } } : { text: answer(lastUserText(body)) },
    );
    try {
      const out = tempDir("lc-vision-refused-");
      const r = await linguacodus(runArgs(`openai:coder-7b@${textOnly.baseURL}`, out), { LINGUACODUS_HOME: tempDir("lc-vision-home-") });
      expect(r.code, r.stderr).toBe(0);
      const reviewBodies = textOnly.received.map((q) => q.body).filter((b) => isReview(lastUserText(b)));
      // round 1: refused with images, asked again without; round 2 likewise
      expect(reviewBodies.map(hasImages)).toEqual([true, false, true, false]);
      expect(lastUserText(reviewBodies[1]!)).toMatch(/You cannot see them: only their names and sizes are given.\n- curve\.png \(PNG, 2000×1000 px/);
      const [first] = reviews(join(out, readdirSync(out)[0]!));
      expect(first!.figures).toMatchObject({ seen: false, reason: expect.stringMatching(/the model server refused the images \(.*not a multimodal model/) });
      expect(first!.figures!.figures.every((f) => !f.shown && !f.sent)).toBe(true);
    } finally {
      await textOnly.close();
    }
  }, 600_000);
});

describe("a text-only reviewer", () => {
  const suite = sandboxSuite();
  it("gets the figures' names and sizes, no image, and the record says it did not see them", async () => {
    const deps = scriptedDeps(suite.sandbox(), (call) => answer(call.lastUser));
    const result = await runTask(suite.task(), { mode: "direct", models: { default: "openai:scripted" }, fixAttempts: 0, feedbackIterations: 3 }, { ...deps, outDir: tempDir("lc-vision-text-") });
    expect(result.summary.valid).toBe(true);
    const reviewCalls = deps.model.calls.filter((c) => callKind(c) === "review");
    expect(reviewCalls).toHaveLength(2);
    expect(reviewCalls[0]!.messages.every((m) => !m.images)).toBe(true);
    expect(reviewCalls[0]!.lastUser).toMatch(/You cannot see them: only their names and sizes are given.\n- curve\.png \(PNG, 2000×1000 px, [\d.]+ KiB\)\n- hist\.png/);
    const [first] = reviews(result.dir);
    expect(first!.figures).toMatchObject({ seen: false, reason: expect.stringMatching(/reads text only/) });
    expect(first!.figures!.figures.every((f) => !f.shown && f.reason === "text-only reviewer")).toBe(true);
    expect(readdirSync(join(result.dir, "exec", "001"))).not.toContain("review-figures");
  }, 600_000);
});
