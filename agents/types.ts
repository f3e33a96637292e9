// The narrow face that agent roles (planner, critic, coders, merger, reviewer) use to talk to models.
// Every call through it is written to the run's transcript by the provider layer.
import type { z } from "zod";

// "extractor" reads scored solutions into instructions for the fine-tuning corpus (finetune/). The fixer rewrites a
// script that failed (records written before it had its own role name it "merger": agents/call-step.ts reads them).
// The tester writes pytest unit tests for a run's final script (--unit-tests).
export const AGENT_ROLES = ["planner", "critic", "coder", "merger", "fixer", "direct", "reviewer", "tester", "extractor"] as const;
export type AgentRole = (typeof AGENT_ROLES)[number];
/** The roles a run uses (the extractor serves only corpus building). */
export const RUN_ROLES = AGENT_ROLES.filter((role) => role !== "extractor");

/** Model spec per role; `default` covers the roles not named (and not covered by a fallback). */
export type RoleModels = Partial<Record<AgentRole | "default", string>>;

/**
 * A role not named uses this other role's model (and that one's fallback in turn) before the default: the coder
 * also serves the merger, the direct coder and the tester, the merger the fixer — so `--coder X` switches every
 * code-writing call to X, and `--merger Y` the merger and the fixer.
 */
export const ROLE_FALLBACKS: Readonly<Partial<Record<AgentRole, AgentRole>>> = Object.freeze({ merger: "coder", fixer: "merger", direct: "coder", tester: "coder" });

/** The spec a role uses: its own, its fallback roles' (in turn), or the default. */
export function roleModelSpec(models: RoleModels, role: AgentRole): string | undefined {
  for (let r: AgentRole | undefined = role; r !== undefined; r = ROLE_FALLBACKS[r]) {
    const spec = models[r];
    if (spec !== undefined) return spec;
  }
  return models.default;
}

/**
 * The spec a role used, from a record's per-role map (run.json `models`): a role the record's version did not
 * have (the fixer, before it had its own name) used its fallback's.
 */
export function recordedRoleSpec(models: Readonly<Record<string, string>>, role: string): string | undefined {
  return (AGENT_ROLES as readonly string[]).includes(role) ? roleModelSpec(models, role as AgentRole) : models[role];
}

/** An image a user turn shows the model (a figure the script saved, already downscaled by the caller). */
export interface ChatImage {
  /** What the image is called in the prompt's text (the figure's workspace name). */
  name: string;
  mimeType: "image/png" | "image/jpeg";
  /** The image bytes, base64. */
  data: string;
  width?: number;
  height?: number;
}

export interface ChatTurn {
  role: "system" | "user" | "assistant";
  content: string;
  /**
   * Images after the text (user turns only): OpenAI-compatible `image_url` data URLs, Gemini inline data. Send them
   * only to a model whose `seesImages()` is true; a text-only model gets the text alone.
   */
  images?: ChatImage[];
}

export interface CallOptions {
  temperature?: number;
  seed?: number;
  maxTokens?: number;
  /** Names the step inside a role (e.g. "preprocessing-block", "fix-2"; the pipeline's come from call-step.ts's callStep): recorded in the transcript. */
  step?: string;
  /**
   * The part of the run the call belongs to when one step name recurs (a search node, "n004"): recorded as
   * "<step>@<scope>" (call-step.ts scopedStep / parseCallStep).
   */
  scope?: string;
  /**
   * Live progress of a long call: tokens generated so far (providers that stream tokens: gguf). Not recorded;
   * called at most every few hundred milliseconds.
   */
  onTokens?: (progress: TokenProgress) => void;
}

export interface TokenProgress {
  role: AgentRole;
  step?: string;
  /** Tokens generated so far in this call. */
  outputTokens: number;
  /** Since the call started (prompt evaluation included). */
  elapsedMs: number;
  /** Generation speed since the first token (0 until there are two). */
  tokensPerSecond: number;
}

/** One model bound to one role. */
export interface AgentModel {
  readonly role: AgentRole;
  /** The model spec string (DESIGN.md), e.g. `gguf:/models/x.gguf`, `openai:gpt-4o@http://host/v1`. */
  readonly spec: string;
  generate(messages: ChatTurn[], options?: CallOptions): Promise<string>;
  /** Whether the model reads images (openai:, gemini:, a replay of a call that had them); absent: text only. */
  seesImages?(): Promise<boolean>;
  /** A response that validates against `schema` (grammar on GGUF, structured output on APIs). */
  generateStructured<T>(messages: ChatTurn[], schema: z.ZodType<T>, options?: CallOptions): Promise<T>;
}

/** The models of one run, one per role (roles may share a model). */
export interface AgentTeam {
  model(role: AgentRole): AgentModel;
  close(): Promise<void>;
}
