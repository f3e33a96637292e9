// The environment variables that hold secrets: their values are scrubbed from transcripts.
const SECRET_ENV_NAMES = ["OPENAI_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"];

export function secretsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  return SECRET_ENV_NAMES.map((name) => env[name]).filter((v): v is string => typeof v === "string" && v.length > 0);
}
