// Recognises provider failures by status code, error code or message, across OpenAI, Gemini and llama.cpp.
import { AgentError, ContextOverflowError } from "./errors.js";

export type FailureKind = "rate-limit" | "context-overflow" | "unreachable" | "other";

function field(error: unknown, name: string): unknown {
  return typeof error === "object" && error !== null ? (error as Record<string, unknown>)[name] : undefined;
}

function describe(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  // Walk the cause chain: fetch wraps ECONNREFUSED in `cause`.
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    parts.push(String(field(current, "message") ?? current), String(field(current, "code") ?? ""));
    parts.push(String(field(current, "name") ?? ""));
    current = field(current, "cause");
  }
  return parts.join(" ");
}

export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof ContextOverflowError) return "context-overflow";
  if (error instanceof AgentError) return "other";
  const status = field(error, "status") ?? field(error, "statusCode");
  const text = describe(error);
  if (status === 429) return "rate-limit";
  // Overflow before the textual rate-limit check: an overflow message may quote a number like 429.
  if (
    /context_length_exceeded|maximum context length|context (window|length|size)|too many tokens|exceeds? the (context|maximum)|prompt is too long|input is too long/i.test(
      text,
    )
  )
    return "context-overflow";
  if (/rate.?limit|too many requests|RESOURCE_EXHAUSTED|\b429\b/i.test(text)) return "rate-limit";
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|EHOSTUNREACH|ETIMEDOUT|fetch failed|Connection error|APIConnectionError/i.test(text))
    return "unreachable";
  return "other";
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
