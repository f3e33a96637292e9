// The secret values a process knows: they are redacted by value (scrubSecrets) from everything the tool writes,
// whatever their shape. Known = the provider keys and any secret-named variable of the environment, every
// secret-named or token-shaped value of the .env file, and credentials inside URLs (model base URLs).
import { existsSync, readFileSync } from "node:fs";
import { parseEnv } from "node:util";

const SECRET_ENV_NAMES = ["OPENAI_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"];
/** Variable names that hold secrets by convention (AWS_SECRET_ACCESS_KEY, GITHUB_TOKEN, DB_PASSWORD, …). */
const SECRET_NAME = /(?:KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIALS?|AUTH)$/i;
/** A .env value that looks like a credential even under an unusual name: long, one word, not a path or number. */
const TOKEN_SHAPED = /^(?=.{16,}$)(?!\d+$)[^\s/\\]+$/;

function unique(values: Iterable<string>): string[] {
  return [...new Set([...values].filter((v) => v.length > 0))];
}

export function secretsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  return unique(
    Object.entries(env)
      .filter(([name, value]) => typeof value === "string" && (SECRET_ENV_NAMES.includes(name) || SECRET_NAME.test(name)))
      .map(([, value]) => (value as string).trim()),
  );
}

/** The values of a .env file that are secrets: secret-named ones and token-shaped ones. */
export function secretsFromEnvFile(envFile: string | undefined): string[] {
  if (!envFile || !existsSync(envFile)) return [];
  const values = parseEnv(readFileSync(envFile, "utf8"));
  return unique(
    Object.entries(values)
      .filter(([name, value]) => typeof value === "string" && (SECRET_NAME.test(name) || SECRET_ENV_NAMES.includes(name) || TOKEN_SHAPED.test(value.trim())))
      .map(([, value]) => String(value).trim()),
  );
}

/** Passwords (raw and percent-decoded) of the URLs in `text` (e.g. a model spec); the user name stays readable. */
export function urlCredentials(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(/[a-z][a-z0-9+.-]*:\/\/([^\s/:@"']+):([^\s/@"']+)@/gi)) {
    const password = match[2]!;
    out.push(password);
    try {
      out.push(decodeURIComponent(password));
    } catch {
      // Not percent-encoded: the raw form is enough.
    }
  }
  return unique(out);
}
