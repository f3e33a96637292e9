// One process per run folder: `run`, `run --resume` and a bench cell hold `<run>/run.lock` (core's folder lock, the
// same code as bench.lock) while they write the record, so a second `run --resume` on the same folder is refused
// and names the holder instead of computing the same attempts again into the same events.jsonl.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { RUN_FILES } from "./layout.js";
import { acquireFolderLock, type FolderLock, type LockHolder } from "../../core/index.js";

export const RUN_LOCK_FILE = RUN_FILES.lock;

/** A second process met a live run lock: the message names the holder. */
export class RunLockedError extends Error {
  override name = "RunLockedError";
  constructor(
    message: string,
    readonly holder: LockHolder,
  ) {
    super(message);
  }
}

/** Takes the lock of the run folder `dir` (created if missing) for this process, or throws RunLockedError. */
export function lockRunFolder(dir: string): FolderLock {
  mkdirSync(dir, { recursive: true });
  return acquireFolderLock({
    path: join(dir, RUN_LOCK_FILE),
    what: "the run folder",
    command: process.argv.slice(1),
    locked: (message, holder) => new RunLockedError(message, holder),
  });
}
