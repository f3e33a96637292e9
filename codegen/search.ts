// Tree search's code-writing steps: a draft (plan + code from the task context and the tree's memory) and an
// improvement of a working node (plan + code from its script, output and score). Debugging a failed node is
// the fixer's job with the search's prompt prefix.
import { type AgentModel, type CallOptions, callStep } from "../agents/index.js";
import type { CodegenInput, GeneratedCode } from "./agents.js";
import { NoCodeError } from "./agents.js";
import { dedupeImports } from "./assemble.js";
import { extractCode } from "./extract.js";
import { debugPrompt, draftPrompt, improvePrompt } from "./prompts/search.js";

export interface PlannedCode extends GeneratedCode {
  /** The prose before the first code block: the node's plan. */
  plan: string;
}

/** The prose an answer gives before its first code fence (the whole answer when it has none). */
export function textBeforeCode(raw: string): string {
  const fence = /^\s*(`{3,}|~{3,})/m.exec(raw);
  return (fence ? raw.slice(0, fence.index) : raw).trim();
}

async function planAndCode(model: AgentModel, messages: Parameters<AgentModel["generate"]>[0], options: CallOptions): Promise<PlannedCode> {
  const raw = await model.generate(messages, options);
  const extracted = extractCode(raw);
  if (extracted.code.trim() === "") throw new NoCodeError(model.role, options.step ?? "its step", model.spec);
  return { plan: textBeforeCode(raw), code: dedupeImports(extracted.code), raw, truncated: extracted.truncated };
}

export function draftSolution(model: AgentModel, input: CodegenInput & { memory: string }, options: CallOptions = {}): Promise<PlannedCode> {
  return planAndCode(model, draftPrompt(input), { ...options, step: callStep.draft().step });
}

export function improveSolution(
  model: AgentModel,
  input: CodegenInput & { memory: string; script: string; outputTail: string; validationScore: number | null },
  options: CallOptions = {},
): Promise<PlannedCode> {
  return planAndCode(model, improvePrompt(input), { ...options, step: callStep.improve().step });
}

/** A fix of a failed node (the fixer role, with the search's shared prompt prefix). */
export function debugSolution(
  model: AgentModel,
  input: CodegenInput & { memory: string; script: string; error: string; outputTail: string },
  options: CallOptions = {},
): Promise<PlannedCode> {
  return planAndCode(model, debugPrompt(input), { ...options, step: callStep.debug().step });
}
