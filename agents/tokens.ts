// One shape for token counts, wherever they are counted: a transcript line's, a usage tally's, a role's or stage's
// in a summary, a call's on the viewer's pages. `input` is what the model read (the prompt), `output` what it wrote.
import { z } from "zod";

export const TokenCountsSchema = z.object({ input: z.number().int().nonnegative(), output: z.number().int().nonnegative() });
export type TokenCounts = z.infer<typeof TokenCountsSchema>;

export function noTokens(): TokenCounts {
  return { input: 0, output: 0 };
}

/** Adds `more` (none: nothing) into `into`; returns `into`. */
export function addTokens(into: TokenCounts, more: TokenCounts | null | undefined): TokenCounts {
  into.input += more?.input ?? 0;
  into.output += more?.output ?? 0;
  return into;
}

export function tokenTotal(tokens: TokenCounts | null | undefined): number {
  return (tokens?.input ?? 0) + (tokens?.output ?? 0);
}
