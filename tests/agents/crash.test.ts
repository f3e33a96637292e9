// A crash mid-run leaves every completed call in transcripts.jsonl (append + fsync per line).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { TranscriptLineSchema } from "../../agents/index.js";

describe("transcripts survive a crash", () => {
  it("keeps the completed calls when the process is killed during the next one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lc-crash-"));
    const file = join(dir, "transcripts.jsonl");
    const script = join(dir, "run.mts");
    const root = resolve(import.meta.dirname, "../..");
    writeFileSync(
      script,
      `import { createAgentTeam, createJsonlTranscriptSink } from ${JSON.stringify(join(root, "agents/index.ts"))};
import { scriptedModel } from ${JSON.stringify(join(root, "tests/support/scripted-model.ts"))};
const chat = scriptedModel(({ index }) => (index < 2 ? "answer " + index : { text: "never", delayMs: 60_000 }));
const team = createAgentTeam({ models: { default: "gemini:x" }, runId: "crash", transcript: createJsonlTranscriptSink(${JSON.stringify(file)}), resolveChatModel: () => chat });
for (let i = 0; i < 3; i++) {
  await team.model("coder").generate([{ role: "user", content: "call " + i }]);
  console.log("done " + i);
}
`,
    );
    const child = spawn(process.execPath, ["--import", "tsx", script], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      // Both calls are done and the third is under way: kill hard, no chance to flush anything.
      if (out.includes("done 1")) setTimeout(() => child.kill("SIGKILL"), 200);
    });
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((r) => child.on("close", (c, signal) => r(signal === "SIGKILL" ? -9 : c)));
    expect(code, err).toBe(-9);
    const lines = readFileSync(file, "utf8").trim().split("\n").map((l) => TranscriptLineSchema.parse(JSON.parse(l)));
    expect(lines.map((l) => l.response)).toEqual(["answer 0", "answer 1"]);
  });
});
