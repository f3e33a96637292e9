// The shape of every role's prompt, so prompt caches hit: one system text for all roles, then the task context and
// the environment the role works in, and only then the role's own text and its job. A server's prefix cache (or the
// gguf provider's KV cache, which keeps the previous call's tokens) then serves the shared part to every role — with
// a role's text first, each switch of role (coder → merger → coder) evaluated the whole prompt again.
import type { ChatTurn } from "./types.js";

/** The system text of every role. */
export const TEAM_SYSTEM =
  "You are one of a team of machine learning engineers solving a Kaggle-style competition. " +
  "The task and the environment come first, then your role and your job: do exactly that job.";

export interface RolePromptInput {
  /** The task context block (the same text for every role of a run). */
  context: string;
  /** The environment section after it (sandbox rules or the libraries). */
  environment: string;
  /** What this role is (its former system text). */
  role: string;
  /** The rest of the prompt: the role's inputs and its job. */
  rest: string;
}

export function rolePrompt(input: RolePromptInput): ChatTurn[] {
  return [
    { role: "system", content: TEAM_SYSTEM },
    { role: "user", content: `${input.context}\n\n${input.environment}\n\n## Your role\n${input.role}${input.rest}` },
  ];
}
