// Two offline builds into one cache folder must not run at once (they share a work folder).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { acquireBuildLock } from "../../sandbox/image-build.js";

describe("offline build lock", () => {
  it("waits while a live process holds the lock, then takes it", async () => {
    const cache = mkdtempSync(join(tmpdir(), "lc-lock-"));
    const holder = spawn("sleep", ["2"]);
    writeFileSync(join(cache, "build.lock"), String(holder.pid));
    const logs: string[] = [];
    const started = Date.now();
    const release = await acquireBuildLock(cache, (l) => logs.push(l));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(logs.join("\n")).toContain(`waiting for the sandbox build in process ${holder.pid}`);
    expect(readFileSync(join(cache, "build.lock"), "utf8")).toBe(String(process.pid));
    await release();
    expect(existsSync(join(cache, "build.lock"))).toBe(false);
  });

  it("clears a lock left by a process that is gone", async () => {
    const cache = mkdtempSync(join(tmpdir(), "lc-lock-"));
    const gone = spawn("true");
    await new Promise((r) => gone.on("close", r));
    writeFileSync(join(cache, "build.lock"), String(gone.pid));
    const release = await acquireBuildLock(cache, () => undefined);
    expect(readFileSync(join(cache, "build.lock"), "utf8")).toBe(String(process.pid));
    await release();
  });
});
