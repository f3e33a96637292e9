// The secrets a run knows, and the one redaction every file of its record (and the error it ends with) passes:
// agents' scrubSecrets over the dependencies' secrets (environment and .env, as the providers loaded them), the
// secret-named variables of this process, and the credentials inside the model specs' base URLs.
import { scrubSecrets } from "../agents/index.js";
import { secretsFromEnv, urlCredentials } from "../agents/index.js";

export type Redactor = (text: string) => string;

export function runSecrets(input: { secrets?: readonly string[]; specs: Iterable<string>; env?: Readonly<Record<string, string | undefined>> }): string[] {
  const fromSpecs = [...input.specs].flatMap(urlCredentials);
  return [...new Set([...(input.secrets ?? []), ...secretsFromEnv(input.env ?? process.env), ...fromSpecs])];
}

export function createRedactor(secrets: readonly string[]): Redactor {
  return (text) => scrubSecrets(text, secrets);
}

/** An error whose message went through `redact` (the cause stays for debugging in memory, never on disk). */
export function redactedMessage(error: unknown, redact: Redactor): string {
  return redact(error instanceof Error ? error.message : String(error));
}
