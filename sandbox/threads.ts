// How many threads an attempt's numeric libraries may use. OpenMP threads that spin-wait against other tenants
// of a small machine turn seconds into minutes (a 275-row gradient boosting took 146 s instead of 1.7 s beside
// two busy processes), so every attempt gets explicit counts and a passive wait policy.
import { availableParallelism } from "node:os";

/** The variables the fork server sets (container environment, read when the libraries load). */
export const THREAD_ENV_NAMES = ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS", "NUMEXPR_MAX_THREADS"] as const;

/** Tells scripts (and the fork server's per-attempt adjustment) how many cores the attempt has. */
export const SANDBOX_CPUS_ENV = "LINGUACODUS_CPUS";

/**
 * Cores one sandbox attempt really gets: its CPU limit, at most the host's cores, shared among the sandboxes
 * that run at once; at least one.
 */
export function sandboxCores(options: { cpus: number; hostCpus?: number; concurrent?: number }): number {
  const host = options.hostCpus ?? availableParallelism();
  const concurrent = Math.max(1, Math.floor(options.concurrent ?? 1));
  return Math.max(1, Math.floor(Math.min(options.cpus, host) / concurrent));
}

/**
 * The environment that pins OpenMP, OpenBLAS, MKL and numexpr to `cores` threads, with threads that sleep
 * instead of spinning while they wait (the fork server lowers the count per attempt when the host is busy).
 */
export function threadEnv(cores: number): Record<string, string> {
  const n = String(Math.max(1, Math.floor(cores)));
  const env: Record<string, string> = { OMP_WAIT_POLICY: "PASSIVE", KMP_BLOCKTIME: "0", [SANDBOX_CPUS_ENV]: n };
  for (const name of THREAD_ENV_NAMES) env[name] = n;
  return env;
}
