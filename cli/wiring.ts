// What `run` and `bench` share when they open the real dependencies: the wiring itself (--sandbox is a flag of cli/flags.ts).
import type { Wiring, WiringOptions } from "../execution/index.js";
import { UserFacingError } from "./failure.js";

/** The wiring with API keys from ./.env and warnings on stderr; an unusable sandbox becomes a one-line error. */
export async function openWiring(options: Omit<WiringOptions, "envFile" | "warn">): Promise<Wiring> {
  const { createWiring } = await import("../execution/index.js");
  try {
    return await createWiring({ ...options, envFile: ".env", warn: (m) => process.stderr.write(`${m}\n`) });
  } catch (error) {
    throw new UserFacingError(`sandbox unavailable: ${(error as Error).message}`);
  }
}
