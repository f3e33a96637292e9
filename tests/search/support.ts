// The search tests' scripted answers: per node, a failing draft, a working one and a liar (best validation, worst
// test score), fixes and improvements that work.
import { parseCallStep } from "../../agents/index.js";
import { nodeId } from "../../execution/search/index.js";
import { fence } from "../support/fence.js";
import { lastUserText, type ServerReply } from "../support/openai-server.js";
import type { Script, ScriptedCall } from "../support/scripted-model.js";
import { MERGED_BUGGY, MERGED_FIXED } from "../pipeline/support.js";

/** Claims a perfect validation score, predicts a constant: the best by validation, the worst by test (MAE). */
export const LIAR = `import csv
with open("/data/test.csv") as f:
    test = list(csv.DictReader(f))
print("VALIDATION_SCORE=0.5")
with open("submission.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "compressive_strength"])
    for r in test:
        w.writerow([r["id"], 0.0])
`;

export const planned = (script: string) => `A plan in prose for this node.\n\n${fence(script)}`;

/** The node a call was made for, and its kind (draft / improve / fix / …). */
export function nodeCall(call: ScriptedCall): { node?: string; kind?: string } {
  const step = parseCallStep(call);
  return { node: step?.scope, kind: step?.kind };
}

/** Greedy: n000 buggy, n001 good, n002 the liar; n003 debugs n000 (fixed), n004 improves the best (the liar). */
export const greedyScript: Script = (call) => {
  const { node, kind } = nodeCall(call);
  if (kind === "draft") return planned({ n000: MERGED_BUGGY, n001: MERGED_FIXED, n002: LIAR }[node ?? ""] ?? MERGED_FIXED);
  if (kind === "debug") return planned(MERGED_FIXED);
  if (kind === "improve") return planned(MERGED_FIXED);
  throw new Error(`unscripted call ${call.role}/${call.step}`);
};

export const SEARCH = { mode: "direct", search: "greedy", steps: 5, drafts: 3, debugProbability: 1, seed: 7, models: { default: "openai:scripted" } } as const;


/**
 * A search script served over HTTP to a CLI run (`openai:…@<server>`): a direct search makes one model call per node,
 * so the n-th request is node n's; its kind is read from the prompt's section (draft, debug and improve differ there).
 */
export function serveByNode(script: Script): (body: Record<string, unknown>) => Promise<ServerReply> {
  let requests = 0;
  return async (body) => {
    const prompt = lastUserText(body);
    const kind = prompt.includes("## Solution that failed") ? "debug" : prompt.includes("## Solution to improve") ? "improve" : "draft";
    const answer = await script({ index: requests, messages: [], lastUser: prompt, promptText: prompt, options: {}, step: `${kind}@${nodeId(requests++)}` });
    return { text: typeof answer === "string" ? answer : answer.text ?? "" };
  };
}
