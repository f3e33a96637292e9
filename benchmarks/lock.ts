// One runner per bench folder: `runBench` holds `<bench>/bench.lock` (core's folder lock: pid, host, start time,
// command) while it runs, so a second `bench --resume` on the same folder refuses and names the holder instead of
// running the same cells into the same run folders.
import { join } from "node:path";
import { acquireFolderLock, LockHolderSchema, type FolderLock, type LockHolder } from "../core/index.js";
import { BenchInputError } from "./matrix.js";
import { BENCH_FILES } from "./layout.js";

export const BENCH_LOCK_FILE = BENCH_FILES.lock;
export const BenchLockHolderSchema = LockHolderSchema;
export type BenchLockHolder = LockHolder;
export type BenchLock = FolderLock;

/** A second runner met a live lock: the message names the holder. */
export class BenchLockedError extends BenchInputError {
  override name = "BenchLockedError";
  constructor(
    message: string,
    readonly holder: BenchLockHolder,
  ) {
    super(message);
  }
}

/** Takes the lock of `dir` for this process, or throws BenchLockedError naming the live holder. */
export function acquireBenchLock(dir: string, command: string[] = []): BenchLock {
  return acquireFolderLock({
    path: join(dir, BENCH_LOCK_FILE),
    what: "the bench folder",
    command,
    locked: (message, holder) => new BenchLockedError(message, holder),
    failed: (message) => new BenchInputError(message),
  });
}
