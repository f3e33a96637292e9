// A Markdown code fence, as a model wraps code in its answer.
export const FENCE = "```";

export function fence(code: string, language = "python"): string {
  return `${FENCE}${language}\n${code}\n${FENCE}`;
}
