// The narrow face that agent roles (planner, critic, coders, merger, reviewer) use to talk to models.
// Every call through it is written to the run's transcript by the provider layer.
import type { z } from "zod";

export const AGENT_ROLES = ["planner", "critic", "coder", "merger", "direct", "reviewer"] as const;
export type AgentRole = (typeof AGENT_ROLES)[number];

export interface ChatTurn {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface CallOptions {
  temperature?: number;
  seed?: number;
  maxTokens?: number;
  /** Names the step inside a role (e.g. "preprocessing-block", "fix-2"): recorded in the transcript. */
  step?: string;
}

/** One model bound to one role. */
export interface AgentModel {
  readonly role: AgentRole;
  /** The model spec string (DESIGN.md), e.g. `gguf:/models/x.gguf`, `openai:gpt-4o@http://host/v1`. */
  readonly spec: string;
  generate(messages: ChatTurn[], options?: CallOptions): Promise<string>;
  /** A response that validates against `schema` (grammar on GGUF, structured output on APIs). */
  generateStructured<T>(messages: ChatTurn[], schema: z.ZodType<T>, options?: CallOptions): Promise<T>;
}

/** The models of one run, one per role (roles may share a model). */
export interface AgentTeam {
  model(role: AgentRole): AgentModel;
  close(): Promise<void>;
}
