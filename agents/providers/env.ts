// API keys come from the environment, or from a .env file whose path the caller passes (never from run records).
import { existsSync, readFileSync } from "node:fs";
import { parseEnv } from "node:util";

export type Env = Readonly<Record<string, string | undefined>>;

/** process.env over the values of `envFile` (the environment wins, as with dotenv). */
export function loadEnv(envFile: string | undefined, base: Env = process.env): Env {
  if (!envFile || !existsSync(envFile)) return base;
  const fromFile = parseEnv(readFileSync(envFile, "utf8"));
  const merged: Record<string, string | undefined> = { ...fromFile };
  for (const [key, value] of Object.entries(base)) if (value !== undefined && value !== "") merged[key] = value;
  return merged;
}

export function firstKey(env: Env, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}
