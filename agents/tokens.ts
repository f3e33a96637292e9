// One shape for token counts, wherever they are counted: a transcript line's, a usage tally's, a role's or stage's
// in a summary, a call's on the viewer's pages. `input` is what the model read (the prompt), `output` what it wrote,
// `cached` the part of `input` the provider served from its prompt cache instead of evaluating it (gguf: the
// sequence's KV cache; OpenAI-protocol servers: `cached_tokens`) — absent when the provider does not say.
import { z } from "zod";

export const TokenCountsSchema = z.object({
  input: z.number().int().nonnegative(),
  output: z.number().int().nonnegative(),
  cached: z.number().int().nonnegative().optional(),
});
export type TokenCounts = z.infer<typeof TokenCountsSchema>;

export function noTokens(): TokenCounts {
  return { input: 0, output: 0 };
}

/** Adds `more` (none: nothing) into `into`; returns `into`. */
export function addTokens(into: TokenCounts, more: TokenCounts | null | undefined): TokenCounts {
  into.input += more?.input ?? 0;
  into.output += more?.output ?? 0;
  if (more?.cached !== undefined) into.cached = (into.cached ?? 0) + more.cached;
  return into;
}

export function tokenTotal(tokens: TokenCounts | null | undefined): number {
  return (tokens?.input ?? 0) + (tokens?.output ?? 0);
}

/** Share of prompt tokens the model evaluated (1 − cached ÷ input); undefined when no provider reported its cache. */
export function evaluatedPromptShare(tokens: TokenCounts | null | undefined): number | undefined {
  if (!tokens || tokens.cached === undefined || tokens.input === 0) return undefined;
  return 1 - tokens.cached / tokens.input;
}
