// One process per folder: a lock file holding its owner (pid, host, start time, command), created with O_EXCL, so
// a second process refuses and names the holder. A lock left by a process that died (kill -9, a crash, a reboot)
// on this host is taken over; one held on another host is never guessed at (the message says how to clear it).
// The bench folder (bench.lock) and the run folder (run.lock) use this one implementation.
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { z } from "zod";

export const LockHolderSchema = z.object({
  pid: z.number().int().positive(),
  host: z.string(),
  startedAt: z.string(),
  /** The holder's start time as the kernel counts it (Linux /proc), so a reused pid is not taken for the holder. */
  processStart: z.string().optional(),
  command: z.array(z.string()).optional(),
});
export type LockHolder = z.infer<typeof LockHolderSchema>;

export interface FolderLock {
  readonly path: string;
  readonly holder: LockHolder;
  /** Set when the lock of a dead process was taken over. */
  readonly tookOverFrom?: LockHolder;
  release(): void;
}

export interface FolderLockRequest {
  /** The lock file. */
  path: string;
  /** What is locked, for the message: "the bench folder", "the run folder". */
  what: string;
  command?: readonly string[];
  /** The error thrown when a live process holds the lock (given the message that names it); default Error. */
  locked?: (message: string, holder: LockHolder) => Error;
  /** The error thrown when a stale lock could not be taken over; default Error. */
  failed?: (message: string) => Error;
  /** Runs after a lock was judged stale, before it is moved aside: a seam for tests of a racing process. */
  beforeTakeOver?: () => void;
}

/** The message naming the live holder of `path`, with how to clear it. */
export function lockedMessage(what: string, path: string, holder: LockHolder): string {
  const command = holder.command?.length ? ` (${holder.command.join(" ")})` : "";
  const clear =
    holder.host === hostname()
      ? "wait for it to finish or stop it (Ctrl-C), then --resume"
      : `it runs on another host; if that process is gone, delete ${path}`;
  return `${what} is in use: ${path} is held by pid ${holder.pid} on ${holder.host} since ${holder.startedAt}${command}; ${clear}`;
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
function holderAlive(holder: LockHolder): boolean {
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

function readHolder(path: string): LockHolder | undefined {
  try {
    const parsed = LockHolderSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Creates the lock file only if there is none (O_EXCL); false when one exists. */
function createExclusive(path: string, holder: LockHolder): boolean {
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
 * Takes the lock for this process, or throws (request.locked) naming the live holder. An unreadable lock (cut
 * short by a crash while being written) counts as stale.
 */
export function acquireFolderLock(request: FolderLockRequest): FolderLock {
  const { path } = request;
  const locked = (holder: LockHolder) => (request.locked ?? ((m: string) => new Error(m)))(lockedMessage(request.what, path, holder), holder);
  const start = processStartOf(process.pid);
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    ...(start ? { processStart: start } : {}),
    ...(request.command?.length ? { command: [...request.command] } : {}),
  };
  let tookOverFrom: LockHolder | undefined;
  for (let tries = 0; ; tries++) {
    if (createExclusive(path, holder)) break;
    const current = readHolder(path);
    if (current && holderAlive(current)) throw locked(current);
    if (tries >= 3) throw (request.failed ?? ((m: string) => new Error(m)))(`${path}: could not take over a stale lock (another process is starting); try again`);
    // Stale: move it aside under a name of our own, then check what was moved: a live holder's lock is a fresh one
    // that a racing process wrote after we judged (or, when we read nothing, before we could read it), and goes back.
    request.beforeTakeOver?.();
    const aside = `${path}.stale-${process.pid}-${tries}`;
    try {
      renameSync(path, aside);
    } catch {
      continue; // someone else moved it first
    }
    const moved = readHolder(aside);
    if (moved && holderAlive(moved)) {
      if (!existsSync(path)) renameSync(aside, path);
      throw locked(moved);
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
      // Only our own lock is removed (a takeover by another process after we were judged dead is theirs).
      const current = readHolder(path);
      if (current?.pid === holder.pid && current.startedAt === holder.startedAt) rmSync(path, { force: true });
    },
  };
}
