// A hostile model endpoint that echoes the key back encoded (issue 21 item 6), through the built CLI on the real
// sandbox: the key it was sent comes back base64 (standard and URL alphabets, also inside a longer encoded text),
// hex (lower and upper case) and URL-encoded, in the model's answer, the code, the script's output and its error —
// no file of the run folder and nothing the CLI prints may hold any of those forms.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { linguacodus } from "../support/cli.js";
import { type OpenAiTestServer } from "../support/openai-server.js";
import { tempDir, useCliAndModelServer } from "./support.js";

// Not token-shaped: only redaction by value (and its encodings) can catch it.
const KEY = "lc-test-key-7f3a9b2c41d8e6/+?&";
let server: OpenAiTestServer;
let taskDir: string;

/** Every form the endpoint echoes (computed here independently of the code under test). */
function echoedForms(key: string): string[] {
  const b = (text: string, alphabet: BufferEncoding) => Buffer.from(text).toString(alphabet);
  return [
    b(key, "base64"),
    b(key, "base64url"),
    b(`Bearer ${key}`, "base64"),
    b(`{"k":"${key}"}`, "base64url"),
    b(key, "hex"),
    b(key, "hex").toUpperCase(),
    encodeURIComponent(key),
  ];
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

useCliAndModelServer(() => {
    const key = (server.received.at(-1)?.authorization ?? "").replace(/^Bearer /, "");
    const forms = echoedForms(key);
    const script = [
      `FORMS = ${JSON.stringify(forms)}  # ${forms.join(" ")}`,
      "print('\\n'.join(FORMS))",
      "raise RuntimeError(' '.join(FORMS))",
    ].join("\n");
    return { text: `Echo: ${forms.join(" ")}\n\`\`\`python\n${script}\n\`\`\`` };
  }, (fixture) => ({ taskDir, server } = fixture));

describe("secrets echoed back encoded", () => {
  it("base64, hex and URL-encoded copies of the key reach no file of the run and nothing printed", async () => {
    const out = tempDir("lc-secrets-encoded-");
    const r = await linguacodus(["run", taskDir, "--mode", "direct", "--fix-attempts", "0", "--model", `openai:hostile@${server.baseURL}`, "--out", out], {
      OPENAI_API_KEY: KEY,
      LINGUACODUS_HOME: tempDir("lc-secrets-encoded-home-"),
    });
    expect(server.received[0]?.authorization).toBe(`Bearer ${KEY}`);
    expect(r.code).toBe(1);
    const runDir = join(out, readdirSync(out)[0]!);
    const files = filesUnder(runDir).map((p) => p.slice(runDir.length + 1));
    expect(files).toEqual(expect.arrayContaining(["run.json", "score.json", "transcripts.jsonl", "code/attempt-001.py", "exec/001/stdout.txt"]));
    // the echoes were recorded (the failure names the RuntimeError), as [REDACTED]
    expect(readFileSync(join(runDir, "run.json"), "utf8")).toMatch(/RuntimeError: .*\[REDACTED\]/);
    for (const form of echoedForms(KEY)) {
      // a window the key alone decides (the middle of the form: any prefix and suffix are short)
      const core = form.slice(Math.floor(form.length / 2) - 6, Math.floor(form.length / 2) + 6);
      const holding = files.filter((f) => readFileSync(join(runDir, f), "utf8").includes(core));
      expect(holding, `${form} found`).toEqual([]);
      expect(r.stderr + r.stdout).not.toContain(core);
    }
  }, 600_000);
});
