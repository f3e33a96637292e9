// Default locations on disk. Library code takes paths as parameters; only the CLI decides defaults.
import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** Root of everything linguacodus keeps between runs: prepared tasks, model cache, sandbox build cache. */
export function linguacodusHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.LINGUACODUS_HOME ?? join(homedir(), ".linguacodus"));
}

export const defaultPaths = (env: NodeJS.ProcessEnv = process.env) => {
  const home = linguacodusHome(env);
  return {
    home,
    tasks: join(home, "tasks"),
    models: join(home, "models"),
    sandboxCache: join(home, "sandbox"),
  };
};
