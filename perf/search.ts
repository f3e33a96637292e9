// Search overhead and prompt-prefix reuse (issue 20), measured in one run.
//
//   npx tsx perf/search.ts [--steps 200] [--policy greedy|mcts] [--sandbox docker|local]
//
// 1. Records a search of --steps nodes with the pipeline tests' scripted answers (a quick script whose printed
//    validation score varies by node; every third draft fails so debug steps happen), then replays it with
//    `replay:<that run>` — a zero-latency model through the real team and provider layer. Per step: the wall time
//    from one node's start to the next's, minus its sandbox attempt — what the search itself costs (policy, tree,
//    prompts, records). Goal: median ≤ 50 ms. The heap after the first quarter of the nodes and after the last
//    says whether memory grows with the tree.
// 2. Prefix reuse over the first 20 steps of the recorded search: for each call, the share of its prompt that
//    repeats the longest prefix of an earlier call's prompt (what a server's prefix cache can serve), in
//    characters of the whole prompts. Goal: ≥ 80%.
// 3. With --gguf [model.gguf] (default: the embedded Gemma 3 270M): the same calls' prompts, in order, through the
//    gguf provider's loaded model with one-token answers — the KV cache of its one sequence keeps the shared prefix
//    between calls. Prompt tokens evaluated ÷ prompt tokens sent. Goal: ≤ 0.3. (A real search's calls also hold the
//    previous answer in the sequence; it sits after the prompt, so the shared prefix is the same.)
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { ChatHistoryItem } from "node-llama-cpp";
import { defaultModelSpec } from "../agents/index.js";
import { createProviderResolver } from "../agents/providers/index.js";
import { LoadedGgufModel, sharedLlama } from "../agents/providers/gguf/index.js";
import { defaultPaths } from "../cli/paths.js";
import { parseCallStep, readTranscript } from "../agents/index.js";
import { grade } from "../datasets/index.js";
import { readAttempts, runTask, type RunProgress } from "../execution/index.js";
import { readSearchNodes } from "../execution/search/index.js";
import { teamFactory } from "../execution/wiring.js";
import { LocalSandbox } from "../sandbox/index.js";
import type { Sandbox } from "../sandbox/types.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A script that prints a validation score depending on the node, or fails (every third draft). */
function nodeScript(node: string, fail: boolean): string {
  const n = Number(node.slice(1));
  return `import csv
with open("/data/test.csv") as f:
    test = list(csv.DictReader(f))
${fail ? 'raise ValueError("a bug of this draft")\n' : ""}print("VALIDATION_SCORE=${(10 + ((n * 7919) % 97) / 10).toFixed(2)}")
with open("submission.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "compressive_strength"])
    for r in test:
        w.writerow([r["id"], 35.0])
`;
}

/** Evaluates each prompt in order on one loaded model (one sequence); returns tokens sent and evaluated. */
async function ggufPromptReuse(modelPath: string, prompts: Array<Array<{ role: string; content: string }>>): Promise<{ sent: number; evaluated: number }> {
  const loaded = await LoadedGgufModel.load(await sharedLlama(false), modelPath, undefined, { threads: 1, contextSize: 4096 });
  let sent = 0;
  let evaluated = 0;
  try {
    for (const messages of prompts) {
      const history = messages.map((m): ChatHistoryItem =>
        m.role === "system" ? { type: "system", text: m.content } : m.role === "user" ? { type: "user", text: m.content } : { type: "model", response: [m.content] },
      );
      const result = await loaded.generate({ history, maxTokens: 1, temperature: 0 });
      sent += result.inputTokens;
      evaluated += result.evaluatedInputTokens;
    }
  } finally {
    await loaded.dispose();
  }
  return { sent, evaluated };
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

async function main(): Promise<void> {
  const steps = Number(arg("--steps", "200"));
  const policy = arg("--policy", "greedy") as "greedy" | "mcts";
  const sandboxKind = arg("--sandbox", "docker");
  const support = (await import(pathToFileURL(resolve("tests/pipeline/support.ts")).href)) as typeof import("../tests/pipeline/support.js");
  const { fence } = (await import(pathToFileURL(resolve("tests/support/fence.ts")).href)) as typeof import("../tests/support/fence.js");
  const sandbox: Sandbox = sandboxKind === "local" ? new LocalSandbox({ warn: () => undefined }) : await support.dockerSandbox();
  const task = await support.builtinTask();
  const out = mkdtempSync(join(tmpdir(), "lc-perf-search-"));
  const options = { mode: "direct", search: policy, steps, seed: 5, models: { default: "openai:scripted" } } as const;

  console.log(`Recording a ${policy} search of ${steps} steps (scripted model, ${sandboxKind} sandbox)…`);
  const recorded = await runTask(
    task,
    options,
    {
      ...support.scriptedDeps(sandbox, (call) => {
        const step = parseCallStep(call);
        const node = step?.scope ?? "n000";
        return `Plan for ${node}.\n\n${fence(nodeScript(node, step?.kind === "draft" && Number(node.slice(1)) % 3 === 0))}`;
      }),
      outDir: join(out, "recorded"),
    },
  );

  console.log("Replaying it (replay: model, zero latency)…");
  const heap: Array<{ nodes: number; mb: number }> = [];
  const quarter = Math.max(1, Math.floor(steps / 4));
  const resolver = createProviderResolver();
  const onProgress = (event: RunProgress) => {
    if (event.type !== "search.node") return;
    const done = Number(event.node.slice(1)) + 1;
    if (done === quarter || done === steps) {
      globalThis.gc?.();
      heap.push({ nodes: done, mb: process.memoryUsage().heapUsed / 2 ** 20 });
    }
  };
  const started = performance.now();
  const replayed = await runTask(
    task,
    { ...options, models: { default: `replay:${recorded.dir}` } },
    { sandbox, grade, libraries: support.TEST_LIBRARIES, createTeam: teamFactory(resolver.resolve), outDir: join(out, "replayed"), onProgress },
  );
  const wallMs = performance.now() - started;
  await resolver.close();
  await sandbox.close();

  const nodes = readSearchNodes(replayed.dir);
  const sandboxMs = new Map(readAttempts(replayed.dir).map((a) => [a.attempt, a.durationMs]));
  const overheads: number[] = [];
  for (let i = 0; i + 1 < nodes.length; i++) {
    const stepWall = Date.parse(nodes[i + 1]!.startedAt) - Date.parse(nodes[i]!.startedAt);
    overheads.push(stepWall - (sandboxMs.get(nodes[i]!.attempt) ?? 0));
  }
  console.log(`\nReplayed search: ${nodes.length} nodes in ${(wallMs / 1000).toFixed(1)} s; same selection: ${readFileSync(join(recorded.dir, "score.json"), "utf8") === readFileSync(join(replayed.dir, "score.json"), "utf8")}`);
  console.log(`Search overhead per step (wall − sandbox attempt): median ${median(overheads).toFixed(1)} ms, p90 ${[...overheads].sort((a, b) => a - b)[Math.floor(overheads.length * 0.9)]!.toFixed(1)} ms (goal ≤ 50 ms median)`);
  console.log(`Sandbox attempt per step: median ${median([...sandboxMs.values()]).toFixed(0)} ms`);
  for (const h of heap) console.log(`Heap after ${h.nodes} nodes: ${h.mb.toFixed(1)} MiB${globalThis.gc ? "" : " (run with node --expose-gc for a settled heap)"}`);

  // Prefix reuse over the first 20 steps of the recorded search.
  const calls = readTranscript(recorded.dir)
    .map((line) => ({ node: parseCallStep(line)?.scope, messages: line.messages, text: line.messages.map((m) => `${m.role}\n${m.content}`).join("\n") }))
    .filter((c) => c.node !== undefined && Number(c.node.slice(1)) < 20);
  let total = 0;
  let reused = 0;
  calls.forEach((call, i) => {
    total += call.text.length;
    let best = 0;
    for (let j = 0; j < i; j++) best = Math.max(best, commonPrefix(call.text, calls[j]!.text));
    reused += best;
  });
  console.log(`Prefix reuse over ${calls.length} calls of the first 20 steps: ${((100 * reused) / Math.max(1, total)).toFixed(1)}% of prompt characters repeat an earlier call's prefix (goal ≥ 80%)`);

  if (process.argv.includes("--gguf")) {
    const given = arg("--gguf", "");
    const modelPath = given && !given.startsWith("--") ? given : defaultModelSpec(defaultPaths().models).slice("gguf:".length);
    const { sent, evaluated } = await ggufPromptReuse(modelPath, calls.map((c) => c.messages));
    console.log(
      `gguf KV reuse over the same ${calls.length} calls (${modelPath}): ${sent} prompt tokens sent, ${evaluated} evaluated — ` +
        `evaluated ÷ sent ${(evaluated / Math.max(1, sent)).toFixed(3)} (goal ≤ 0.3)`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
