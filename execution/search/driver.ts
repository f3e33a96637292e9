// Tree search as one operator over the solution state: each step asks the policy for an operator and a parent,
// writes the node's code (draft / debug / improve; instructed search drafts from the planner's ranked instructions
// and improves through a new instruction, both coded by the staged coders and the merger), runs it as ONE attempt
// in the sandbox, and appends the node to search/nodes.jsonl. It stops at --steps or a budget; the solution is the
// best node by the validation score the script printed — the hidden test score is recorded, never read here.
import { noTokens, type TokenCounts } from "../../agents/index.js";
import { CODE_STAGES, type CodeStage, type StageBlock, debugSolution, draftSolution, improveSolution, mergeBlocks, writeStageBlock, assembleDraft, NoCodeError, noCodePlaceholder } from "../../codegen/index.js";
import { type Instruction, nextInstruction, renderInstruction } from "../../instructions/index.js";
import { budgetCause } from "../budget.js";
import { codeOrPlaceholder, execute, lastAttempt, withRecordedAttempts } from "../operators/index.js";
import { plan } from "../operators/index.js";
import { RUN_FILES, readSearchNodes } from "../record/index.js";
import { type AttemptOutput, type Operator, type SolutionState, type StageContext, codegenInput, timedStage } from "../state.js";
import type { RunOptions } from "../options.js";
import { DEFAULT_SEARCH_SETTINGS, POLICIES, type SearchAction, type SearchPolicyName, type SearchSettings, stepRandom } from "./policies.js";
import type { SearchNode } from "../record/index.js";
import { SearchTree, type VisibleNode, nodeId } from "./tree.js";
import { toAideJournal } from "./aide-journal.js";

const OUTPUT_TAIL = 2000;

export interface SearchConfig {
  policy: SearchPolicyName;
  steps: number;
  settings: SearchSettings;
}

export const DEFAULT_SEARCH_STEPS = 20;

/** The search a run's options ask for (undefined: no search, one pass of the pipeline). */
export function searchConfig(options: RunOptions): SearchConfig | undefined {
  if (!options.search) return undefined;
  const d = DEFAULT_SEARCH_SETTINGS;
  return {
    policy: options.search,
    steps: options.steps ?? DEFAULT_SEARCH_STEPS,
    settings: {
      drafts: options.drafts ?? d.drafts,
      debugProbability: options.debugProbability ?? d.debugProbability,
      maxDebugDepth: options.maxDebugDepth ?? d.maxDebugDepth,
      exploration: d.exploration,
    },
  };
}

/** What a step produced before it runs: the node's plan (or instruction) and script. */
interface Candidate {
  plan: string;
  script: string;
  instruction?: Instruction;
}

const visible = (node: SearchNode): VisibleNode => {
  const { testScore: _hidden, ...rest } = node;
  return rest;
};

function tail(text: string): string {
  return text.length > OUTPUT_TAIL ? `…${text.slice(-OUTPUT_TAIL)}` : text;
}

function usageTokens(ctx: StageContext): TokenCounts {
  return { ...(ctx.writer.runJson.usage?.total.tokens ?? noTokens()) };
}


/** An instruction through the staged coders and the merger (the paper's coding path), for one node. */
async function codeInstruction(state: SolutionState, ctx: StageContext, instruction: Instruction, id: string): Promise<string> {
  const text = renderInstruction(instruction);
  const blocks: StageBlock[] = [];
  for (const stage of CODE_STAGES) {
    const code = await codeOrPlaceholder(`${stage} block`, () =>
      writeStageBlock(ctx.team.model("coder"), stage, { ...codegenInput(state), instruction: text, previous: blocks as Array<{ stage: CodeStage; code: string }> }, { ...ctx.callOptions, scope: id }),
    );
    blocks.push({ stage, code });
  }
  try {
    return (await mergeBlocks(ctx.team.model("merger"), blocks, codegenInput(state), { ...ctx.callOptions, scope: id })).code;
  } catch (error) {
    if (!(error instanceof NoCodeError)) throw error;
    return assembleDraft(blocks);
  }
}

interface StepInput {
  state: SolutionState;
  ctx: StageContext;
  tree: SearchTree;
  action: SearchAction;
  id: string;
  policy: SearchConfig["policy"];
}

/** The node's plan and script, by the policy's operator (and, for drafts and improvements, the search's kind). */
async function propose({ state, ctx, tree, action, id, policy }: StepInput): Promise<Candidate> {
  const input = codegenInput(state);
  const memory = tree.memory();
  const parent = action.parent;
  if (action.operator === "debug" && parent) {
    try {
      const fixed = await debugSolution(
        ctx.team.model("fixer"),
        { ...input, memory, script: parent.code, error: parent.error ?? "the script failed", outputTail: parent.output },
        { ...ctx.callOptions, scope: id },
      );
      return { plan: fixed.plan, script: fixed.code };
    } catch (error) {
      if (!(error instanceof NoCodeError)) throw error;
      return { plan: "(the model wrote no code)", script: noCodePlaceholder("script", error.message) };
    }
  }
  if (policy === "instructed") {
    const candidates = state.candidates ?? [];
    if (action.operator === "draft" || !parent) {
      const instruction = candidates[tree.drafts.length % Math.max(1, candidates.length)];
      if (!instruction) throw new Error("instructed search: the planner gave no instruction to draft from");
      return { plan: renderInstruction(instruction), instruction, script: await codeInstruction(state, ctx, instruction, id) };
    }
    const instruction = await nextInstruction(
      ctx.team.model("planner"),
      { context: input.context, libraries: input.libraries, bestPlan: parent.plan, bestCode: parent.code, bestValidationScore: parent.validationScore, history: memory },
      { ...ctx.callOptions, scope: id },
    );
    return { plan: renderInstruction(instruction), instruction, script: await codeInstruction(state, ctx, instruction, id) };
  }
  try {
    const written = action.operator === "improve" && parent
      ? await improveSolution(ctx.team.model("direct"), { ...input, memory, script: parent.code, outputTail: parent.output, validationScore: parent.validationScore }, { ...ctx.callOptions, scope: id })
      : await draftSolution(ctx.team.model("direct"), { ...input, memory }, { ...ctx.callOptions, scope: id });
    return { plan: written.plan, script: written.code };
  } catch (error) {
    if (!(error instanceof NoCodeError)) throw error;
    return { plan: "(the model wrote no code)", script: noCodePlaceholder("script", error.message) };
  }
}

/** The node of an attempt: what the tree keeps of it. */
function nodeOf(input: { step: number; action: SearchAction; candidate: Candidate; attempt: AttemptOutput; tokens: SearchNode["tokens"]; startedAt: string; durationMs: number }): SearchNode {
  const { attempt } = input;
  const ok = attempt.result.outcome === "ok";
  return {
    step: input.step,
    id: nodeId(input.step),
    parent: input.action.parent?.id ?? null,
    operator: input.action.operator,
    reason: input.action.reason,
    plan: input.candidate.plan,
    code: input.candidate.script,
    attempt: attempt.result.attempt,
    buggy: !ok,
    ...(ok ? {} : { error: (attempt.failure ?? attempt.result.errorMessage ?? "failed").split("\n").slice(0, 6).join("\n") }),
    output: tail(attempt.stdout),
    validationScore: ok ? attempt.result.validationScore ?? null : null,
    testScore: ok ? attempt.grade?.score ?? null : null,
    tokens: input.tokens,
    startedAt: input.startedAt,
    durationMs: input.durationMs,
  };
}

/** The search's running state: the nodes as recorded (test scores included) and the tree the policies read. */
interface Grown {
  nodes: SearchNode[];
  tree: SearchTree;
}

/** One step: policy → code → one attempt → node appended (to the record, `nodes` and the tree). */
async function searchStep(state: SolutionState, ctx: StageContext, config: SearchConfig, { nodes, tree }: Grown): Promise<SolutionState> {
  const step = nodes.length;
  const id = nodeId(step);
  const action = POLICIES[config.policy]({ tree, settings: config.settings, random: stepRandom(ctx.options.seed ?? 0, step) });
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const before = usageTokens(ctx);
  const candidate = await propose({ state, ctx, tree, action, id, policy: config.policy });
  const executed = await execute({ ...state, script: candidate.script, round: step + 1, attemptKind: "search" as const }, ctx);
  const attempt = lastAttempt(executed)!;
  const after = usageTokens(ctx);
  const node = nodeOf({ step, action, candidate, attempt, tokens: { input: after.input - before.input, output: after.output - before.output }, startedAt, durationMs: performance.now() - started });
  ctx.writer.appendSearchNode(node);
  ctx.writer.event({ type: "search.node", node: node.id, operator: node.operator, parent: node.parent, buggy: node.buggy, validationScore: node.validationScore, reason: node.reason });
  nodes.push(node);
  tree.add(visible(node));
  return { ...executed, round: 0, attempts: retained(executed.attempts, tree) };
}

/**
 * The attempts a search keeps in memory: the last (the next attempt's number follows it) and the best node's (the
 * solution). Every other attempt is on disk and in its node, so memory stays flat in the number of nodes.
 */
function retained(attempts: readonly AttemptOutput[], tree: SearchTree): AttemptOutput[] {
  const best = tree.best();
  const last = attempts[attempts.length - 1];
  return attempts.filter((a) => a === last || a.result.attempt === best?.attempt);
}

/** The state whose `best` is the tree's best node by validation (a failure when no node worked). */
function selectBest(state: SolutionState, tree: SearchTree): SolutionState {
  const best = tree.best();
  const attempt = best && state.attempts.find((a) => a.result.attempt === best.attempt);
  if (!best || !attempt) {
    return { ...state, failure: { stage: "search", message: `none of the ${tree.nodes.length} search node(s) produced a valid submission` } };
  }
  return { ...state, best: attempt, script: attempt.script };
}

/**
 * The search operator: instructed search plans first (stage `planner`, its ranked instructions are the drafts);
 * then steps until `steps` nodes exist or a budget stops it (stage `search`). Resume continues after the last
 * recorded node.
 */
export function search(config: SearchConfig): Operator {
  return async (initial, ctx) => {
    let state = config.policy === "instructed" ? await plan(initial, ctx) : initial;
    if (state.failure) return state;
    state = withRecordedAttempts(state, ctx);
    const nodes = readSearchNodes(ctx.writer.dir);
    const lower = ctx.task.spec.lower_is_better;
    const grown: Grown = { nodes, tree: new SearchTree(nodes.map(visible), lower) };
    return timedStage<SolutionState>(ctx, "search", async () => {
      let budget: SolutionState["budget"];
      try {
        while (nodes.length < config.steps) {
          ctx.signal?.throwIfAborted();
          state = await searchStep(state, ctx, config, grown);
        }
      } catch (error) {
        budget = budgetCause(error);
        if (!budget) throw error;
      }
      const stopped = budget ? `stopped by the ${budget.kind} budget after ${nodes.length} step(s)` : `${nodes.length} step(s)`;
      const chosen = selectBest(state, grown.tree);
      const selected = chosen.best && nodes.find((n) => n.attempt === chosen.best!.result.attempt)?.id;
      ctx.writer.updateRun({ search: { policy: config.policy, steps: config.steps, done: nodes.length, stopped: budget ? budget.message : "steps", ...(selected ? { selected } : {}) } });
      // AIDE's own tools read the tree from this file (aide/utils/serialize.py's journal shape).
      ctx.writer.writeTopFile(RUN_FILES.searchJournal, `${JSON.stringify(toAideJournal(nodes, lower))}\n`);
      return { value: budget ? { ...chosen, budget } : chosen, ok: !chosen.failure, detail: stopped };
    });
  };
}
