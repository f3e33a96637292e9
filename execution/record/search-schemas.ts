// The nodes of a tree search as search/nodes.jsonl records them (--search): what made each node, its code,
// attempt and grade.
import { z } from "zod";

/** What made a search node: a fresh draft, a fix of a failed node, or an improvement of a working one. */
export const SEARCH_OPERATORS = ["draft", "debug", "improve"] as const;
export const SearchOperatorSchema = z.enum(SEARCH_OPERATORS);
export type SearchOperator = z.infer<typeof SearchOperatorSchema>;

/** One node of a tree search (search/nodes.jsonl): one coding call chain, one attempt, its grade. */
export const SearchNodeSchema = z.object({
  /** Step number, from 0: the node's position in the tree's history. */
  step: z.number().int().nonnegative(),
  id: z.string().min(1),
  /** The node this one was made from (none for drafts). */
  parent: z.string().nullable(),
  operator: SearchOperatorSchema,
  /** Why the policy chose this step ("draft 2 of 5", "debug of a buggy leaf", …). */
  reason: z.string(),
  /** The natural-language plan (greedy) or the rendered instruction (instructed). */
  plan: z.string(),
  code: z.string(),
  /** The attempt (exec/<attempt>/) that ran this node's code. */
  attempt: z.string(),
  /** The attempt failed or its submission was not valid. */
  buggy: z.boolean(),
  /** Why the node is buggy (exception, grader's reason), first lines only. */
  error: z.string().optional(),
  /** The tail of what the script printed (what the next prompt sees). */
  output: z.string(),
  /** VALIDATION_SCORE the script printed; null when it printed none or failed. */
  validationScore: z.number().nullable(),
  /** Hidden test score of the node's submission: recorded for the oracle analysis, never read by a policy. */
  testScore: z.number().nullable(),
  tokens: z.object({ input: z.number().int().nonnegative(), output: z.number().int().nonnegative() }),
  startedAt: z.string(),
  durationMs: z.number().nonnegative(),
});
export type SearchNode = z.infer<typeof SearchNodeSchema>;
