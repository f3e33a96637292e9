// The folder lock's takeover of a stale lock against a racing process (the run-lock CLI test once saw two
// `run --resume` both proceed): a process that judged the lock stale must not delete a live lock that a racing
// process wrote meanwhile — not even when what it judged was unreadable (a lock being written, or gone).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { acquireFolderLock } from "../../core/index.js";

const startOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
};

describe("acquireFolderLock takes over only a dead holder's lock", () => {
  it("refuses, and keeps the racer's lock, when a live lock replaced an unreadable one it judged stale", () => {
    const path = join(mkdtempSync(join(tmpdir(), "lc-lock-")), "run.lock");
    writeFileSync(path, '{"pid": 12'); // cut short by a crash: unreadable, so stale
    // The racer: this test's own process, alive, writes its lock between the judgement and the move aside.
    const racer = { pid: process.pid, host: hostname(), startedAt: "2026-12-06T00:00:00.000Z", processStart: startOf(process.pid), command: ["racer"] };
    const take = () =>
      acquireFolderLock({ path, what: "the run folder", beforeTakeOver: () => writeFileSync(path, `${JSON.stringify(racer)}\n`) });
    expect(take).toThrow(/the run folder is in use: .*run\.lock is held by pid \d+ .*\(racer\)/);
    expect(existsSync(path)).toBe(true);
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual(racer);
  });

  it("takes over a dead holder's lock", () => {
    const path = join(mkdtempSync(join(tmpdir(), "lc-lock-")), "run.lock");
    const dead = { pid: 2 ** 22 + 12345, host: hostname(), startedAt: "2026-12-06T00:00:00.000Z" }; // above pid_max: no such process
    writeFileSync(path, `${JSON.stringify(dead)}\n`);
    const lock = acquireFolderLock({ path, what: "the run folder" });
    expect(lock.tookOverFrom).toMatchObject({ pid: dead.pid });
    expect(JSON.parse(readFileSync(path, "utf8")).pid).toBe(process.pid);
    lock.release();
    expect(existsSync(path)).toBe(false);
  });
});
