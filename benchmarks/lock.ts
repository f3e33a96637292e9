// One runner per bench folder: `runBench` holds `<bench>/bench.lock` (pid, host, start time, command) while it
// runs, so a second `bench --resume` on the same folder refuses and names the holder instead of running the same
// cells into the same run folders. A lock left by a process that died (kill -9, a crash, a reboot) on this host
// is taken over; one held on another host is never guessed at (the message says how to clear it).
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { BenchInputError } from "./matrix.js";
import { BENCH_FILES } from "./layout.js";

export const BENCH_LOCK_FILE = BENCH_FILES.lock;

export const BenchLockHolderSchema = z.object({
  pid: z.number().int().positive(),
  host: z.string(),
  startedAt: z.string(),
  /** The holder's start time as the kernel counts it (Linux /proc), so a reused pid is not taken for the holder. */
  processStart: z.string().optional(),
  command: z.array(z.string()).optional(),
});
export type BenchLockHolder = z.infer<typeof BenchLockHolderSchema>;

/** A second runner met a live lock: the message names the holder. */
export class BenchLockedError extends BenchInputError {
  override name = "BenchLockedError";
  constructor(
    readonly path: string,
    readonly holder: BenchLockHolder,
  ) {
    const command = holder.command?.length ? ` (${holder.command.join(" ")})` : "";
    const clear =
      holder.host === hostname()
        ? "wait for it to finish or stop it (Ctrl-C), then --resume"
        : `it runs on another host; if that process is gone, delete ${path}`;
    super(`the bench folder is in use: ${path} is held by pid ${holder.pid} on ${holder.host} since ${holder.startedAt}${command}; ${clear}`);
  }
}

export interface BenchLock {
  readonly path: string;
  readonly holder: BenchLockHolder;
  /** Set when the lock of a dead process was taken over. */
  readonly tookOverFrom?: BenchLockHolder;
  release(): void;
}

/** The kernel's start time of `pid` (field 22 of /proc/<pid>/stat), when the system has /proc. */
function processStartOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/** Whether the holder is a live process on this host (false only when it is certainly gone). */
function holderAlive(holder: BenchLockHolder): boolean {
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    // EPERM: a process of another user has the pid — alive.
  }
  const start = processStartOf(holder.pid);
  return !(holder.processStart && start && start !== holder.processStart);
}

function readHolder(path: string): BenchLockHolder | undefined {
  try {
    const parsed = BenchLockHolderSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Creates the lock file only if there is none (O_EXCL); false when one exists. */
function createExclusive(path: string, holder: BenchLockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    writeSync(fd, `${JSON.stringify(holder)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Takes the lock of `dir` for this process, or throws BenchLockedError naming the live holder. An unreadable lock
 * (cut short by a crash while being written) counts as stale.
 */
export function acquireBenchLock(dir: string, command: string[] = []): BenchLock {
  const path = join(dir, BENCH_LOCK_FILE);
  const start = processStartOf(process.pid);
  const holder: BenchLockHolder = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    ...(start ? { processStart: start } : {}),
    ...(command.length ? { command } : {}),
  };
  let tookOverFrom: BenchLockHolder | undefined;
  for (let tries = 0; ; tries++) {
    if (createExclusive(path, holder)) break;
    const current = readHolder(path);
    if (current && holderAlive(current)) throw new BenchLockedError(path, current);
    if (tries >= 3) throw new BenchInputError(`${path}: could not take over a stale lock (another runner is starting); try again`);
    // Stale: move it aside under a name of our own, then check it is the one we judged (not a fresh lock that a
    // racing runner wrote meanwhile, which goes back).
    const aside = `${path}.stale-${process.pid}-${tries}`;
    try {
      renameSync(path, aside);
    } catch {
      continue; // someone else moved it first
    }
    const moved = readHolder(aside);
    if (moved && current && (moved.pid !== current.pid || moved.startedAt !== current.startedAt) && holderAlive(moved)) {
      if (!existsSync(path)) renameSync(aside, path);
      throw new BenchLockedError(path, moved);
    }
    rmSync(aside, { force: true });
    tookOverFrom = current ?? { pid: 0, host: "unknown", startedAt: "unknown" };
  }
  let released = false;
  return {
    path,
    holder,
    ...(tookOverFrom ? { tookOverFrom } : {}),
    release() {
      if (released) return;
      released = true;
      // Only our own lock is removed (a takeover by another runner after we were judged dead is theirs).
      const current = readHolder(path);
      if (current?.pid === holder.pid && current.startedAt === holder.startedAt) rmSync(path, { force: true });
    },
  };
}
