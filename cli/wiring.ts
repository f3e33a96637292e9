// What `run` and `bench` share when they open the real dependencies: the --sandbox choice and the wiring itself.
import type { SandboxKind, Wiring, WiringOptions } from "../execution/wiring.js";
import { UserFacingError } from "./failure.js";

export function sandboxKind(value: string): SandboxKind {
  if (value !== "docker" && value !== "local") throw new UserFacingError(`--sandbox must be 'docker' or 'local' (got '${value}')`);
  return value;
}

/** The wiring with API keys from ./.env and warnings on stderr; an unusable sandbox becomes a one-line error. */
export async function openWiring(options: Omit<WiringOptions, "envFile" | "warn">): Promise<Wiring> {
  const { createWiring } = await import("../execution/wiring.js");
  try {
    return await createWiring({ ...options, envFile: ".env", warn: (m) => process.stderr.write(`${m}\n`) });
  } catch (error) {
    throw new UserFacingError(`sandbox unavailable: ${(error as Error).message}`);
  }
}
