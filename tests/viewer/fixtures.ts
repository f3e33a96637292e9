// Run folders for the viewer tests, written with the real record writer and the real transcript sink (no model,
// no sandbox: the numbers are made up, the format is not). The answers carry an XSS payload, the way an untrusted
// model could write one, so the tests can check that the page shows it as text.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createJsonlTranscriptSink, hashPrompt, type TranscriptLine } from "../../agents/index.js";
import { RunRecordWriter, attemptName, parseRunOptions, type AttemptResult } from "../../execution/index.js";
import { INSTRUCTIONS, VERDICT } from "../pipeline/support.js";

/** Markup a model might return; the page must show it literally and run none of it. */
export const XSS = `<script>window.__xss = "script"</script> <img src=x onerror="window.__xss = 'img'"> <a href="javascript:window.__xss='link'">click me</a> [docs](javascript:window.__xss='md')`;

export const SCRIPT_V1 = `import pandas as pd
# ${XSS}


def main():
    train = pd.read_csv("/data/train.csv")
    print(train["strength"].mean())


if __name__ == "__main__":
    main()
`;

export const SCRIPT_V2 = SCRIPT_V1.replace('train["strength"]', 'train["compressive_strength"]');

export interface FixtureRun {
  dir: string;
  writer: RunRecordWriter;
  /** Appends one attempt (result, script, stdout, event) as the loop would. */
  addAttempt(options: { valid: boolean; script: string; errorClass?: string; stdout?: string; stderr?: string }): AttemptResult;
  /** Appends one transcript line. */
  addCall(line: Partial<TranscriptLine> & Pick<TranscriptLine, "role">): void;
}

let seq = 0;

export function fixtureRun(dir: string, options: { runId?: string; taskId?: string; mode?: "linguacodus" | "direct" } = {}): FixtureRun {
  const runId = options.runId ?? `fixture-run-${++seq}`;
  const mode = options.mode ?? "linguacodus";
  mkdirSync(dir, { recursive: true });
  const writer = RunRecordWriter.create(dir, {
    runId,
    taskId: options.taskId ?? "concrete-strength",
    taskDir: join(dir, "no-such-task"),
    mode,
    config: parseRunOptions({ mode, fixAttempts: 3 }),
    versions: { linguacodus: "test", node: process.version },
    models: { planner: "openai:scripted", critic: "openai:scripted", coder: "openai:scripted", merger: "openai:scripted" },
    seed: 1,
  });
  const sink = createJsonlTranscriptSink(writer.transcriptsPath);
  let calls = 0;
  const addCall: FixtureRun["addCall"] = (partial) => {
    const messages = partial.messages ?? [{ role: "user" as const, content: `prompt ${calls} for ${partial.role}` }];
    sink.append({
      callId: `${runId}-${String(++calls).padStart(5, "0")}`,
      runId,
      model: "openai:scripted",
      kind: "text",
      attempt: 1,
      params: { temperature: 0, seed: 1 },
      promptHash: hashPrompt(messages),
      response: "ok",
      tokens: { input: 100, output: 20 },
      startedAt: new Date().toISOString(),
      latencyMs: 12,
      error: null,
      ...partial,
      messages,
    });
  };
  writer.event({ type: "run.started", mode, taskId: options.taskId ?? "concrete-strength", resumed: false });
  const stage = (name: string, work: () => void) => {
    writer.event({ type: "stage.started", stage: name });
    work();
    writer.event({ type: "stage.finished", stage: name, ok: true, durationMs: 5 });
  };
  stage("context", () => writeFileSync(writer.path("context.md"), `# Task\nPredict compressive_strength.\n${XSS}\n`));
  if (mode === "linguacodus") {
    stage("planner", () => {
      addCall({ role: "planner", step: "instructions", kind: "structured", response: JSON.stringify(INSTRUCTIONS) });
      writer.writeInstructions({ candidates: INSTRUCTIONS.instructions, critic: null, chosen: INSTRUCTIONS.instructions[1], source: "top-ranked" });
    });
    stage("critic", () => {
      addCall({ role: "critic", step: "critique", kind: "structured", response: JSON.stringify(VERDICT) });
      writer.writeInstructions({ candidates: INSTRUCTIONS.instructions, critic: VERDICT, chosen: VERDICT.refined, source: "critic" });
    });
    stage("merger", () => {
      addCall({ role: "merger", step: "merge", response: `Here is the script.\n\n${XSS}\n\n\`\`\`python\n${SCRIPT_V1}\`\`\`` });
      writer.writeBlock("preprocessing", 'train = pd.read_csv("/data/train.csv")\n');
      writer.writeCodeFile("merged.py", SCRIPT_V1);
    });
  } else {
    stage("direct", () => {
      addCall({ role: "direct", step: "direct-script", response: `\`\`\`python\n${SCRIPT_V1}\`\`\`` });
      writer.writeBlock("script", SCRIPT_V1);
    });
  }
  writer.event({ type: "stage.started", stage: "execute" });
  let index = 0;
  const addAttempt: FixtureRun["addAttempt"] = (a) => {
    const attempt = attemptName(index);
    if (index > 0) addCall({ role: "merger", step: `fix-${index}`, response: `Fixed.\n\`\`\`python\n${a.script}\`\`\`` });
    const result: AttemptResult = {
      attempt,
      index,
      kind: index === 0 ? "initial" : "fix",
      fixIndex: index,
      feedbackRound: 0,
      script: writer.writeAttemptScript(attempt, a.script),
      outcome: a.valid ? "ok" : "error",
      exitCode: a.valid ? 0 : 1,
      durationMs: 900 + index,
      ...(a.valid ? {} : { errorClass: a.errorClass ?? "KeyError", errorMessage: `${a.errorClass ?? "KeyError"}: 'strength'`, tracebackTail: `Traceback (most recent call last):\n  File "main.py", line 7\nKeyError: 'strength'` }),
      stdoutTruncated: false,
      stderrTruncated: !a.valid,
      submission: { present: a.valid, valid: a.valid, errors: a.valid ? [] : ["no submission.csv was written"], score: a.valid ? 7.25 : null },
    };
    writer.writeAttemptResult(result, a.stdout ?? `stdout of ${attempt}\n${XSS}\n`, a.stderr ?? (a.valid ? "" : "KeyError: 'strength'\n"));
    writer.event({ type: "attempt.finished", attempt, kind: result.kind, outcome: result.outcome, durationMs: result.durationMs, valid: a.valid, score: a.valid ? 7.25 : null, ...(a.valid ? {} : { errorClass: result.errorClass }) });
    index += 1;
    return result;
  };
  return { dir, writer, addAttempt, addCall };
}

/** Ends a fixture run with a valid submission and its score. */
export function finishFixture(run: FixtureRun): void {
  const { writer } = run;
  writer.event({ type: "stage.finished", stage: "execute", ok: true, durationMs: 20 });
  writeFileSync(writer.path("submission.csv"), "id,compressive_strength\n1,35.5\n2,40.1\n3,<b>x</b>\n");
  writer.writeScore({ valid: true, score: 7.25, metric: "mae", lower_is_better: true, errors: [], attempt: "002" });
  writer.writeCodeFile("final.py", SCRIPT_V2);
  writer.finish("succeeded", { valid: true, score: 7.25 });
}
