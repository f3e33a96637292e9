// The shape of every role's prompt, so prompt caches hit: one system text for all roles, then the task context and
// the environment the role works in, and only then the role's own text and its job. A server's prefix cache (or the
// gguf provider's KV cache, which keeps the previous call's tokens) then serves the shared part to every role — with
// a role's text first, each switch of role (coder → merger → coder) evaluated the whole prompt again.
import type { ChatTurn } from "./types.js";

/**
 * How the prompts name the work and who does it, by the task's kind (said once here, so a role's text reads as a
 * competition's or an analysis's without each role choosing its own words).
 */
export interface TaskWords {
  /** What the team works on (the system text). */
  work: string;
  /** Who a planning role is. */
  planner: string;
  /** Who a code-writing role is. */
  coder: string;
  /** Who the tree search's coder is. */
  searcher: string;
  /** What the reviewer of a feedback round does. */
  reviewer: string;
}

const TASK_WORDS: Record<"competition" | "analysis", TaskWords> = {
  competition: {
    work: "solving a Kaggle-style competition",
    planner: "an experienced machine learning engineer who wins Kaggle competitions",
    coder: "a senior Python machine learning engineer who writes complete, runnable solutions to Kaggle competitions",
    searcher: "a Kaggle grandmaster who writes complete, runnable Python solutions and improves them step by step",
    reviewer:
      "You review a working machine learning solution and improve its score on the task's metric: better features, " +
      "better model or hyperparameters, a sounder validation.",
  },
  analysis: {
    work: "answering a data-analysis request",
    planner: "an experienced data scientist who answers data-analysis requests with sound, reproducible analyses",
    coder: "a senior Python data scientist who writes complete, runnable analysis scripts",
    searcher: "a senior data scientist who writes complete, runnable Python analyses and improves them step by step",
    reviewer:
      "You review a working analysis script and make its result more trustworthy: a method that fits the data, " +
      "checks of its assumptions, clearer figures.",
  },
};

/** The words for a task: an analysis's or a competition's. */
export function taskWords(analysis: boolean | undefined): TaskWords {
  return TASK_WORDS[analysis ? "analysis" : "competition"];
}

/** The system text of every role of a task of this kind. */
export function teamSystem(analysis: boolean | undefined): string {
  return `You are one of a team of machine learning engineers ${taskWords(analysis).work}. The task and the environment come first, then your role and your job: do exactly that job.`;
}

/** The system text of every role of a competition. */
export const TEAM_SYSTEM = teamSystem(false);

export interface RolePromptInput {
  /** The task context block (the same text for every role of a run). */
  context: string;
  /** The environment section after it (sandbox rules or the libraries). */
  environment: string;
  /** What this role is (its former system text). */
  role: string;
  /** The rest of the prompt: the role's inputs and its job. */
  rest: string;
  /** The task is an analysis: the system text says so. */
  analysis?: boolean | undefined;
}

export function rolePrompt(input: RolePromptInput): ChatTurn[] {
  return [
    { role: "system", content: teamSystem(input.analysis) },
    { role: "user", content: `${input.context}\n\n${input.environment}\n\n## Your role\n${input.role}${input.rest}` },
  ];
}
