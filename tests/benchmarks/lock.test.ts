// One runner per bench folder, through the real CLI: a bench whose model server never answers holds its folder;
// a second `bench --resume` on it is refused and names the holder; after the holder is killed (kill -9), the
// next `--resume` takes the stale lock over.
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BENCH_LOCK_FILE, BenchLockHolderSchema } from "../../benchmarks/index.js";
import { resolveTask } from "../../datasets/index.js";
import { linguacodus } from "../support/cli.js";

let root: string;
let task: string;
let server: Server;
let model = "";
const children: ChildProcess[] = [];

const args = (out: string, ...more: string[]) => [...more, "--models", model, "--modes", "direct", "--sandbox", "local", "--no-report", "--out", out];
const start = (cliArgs: string[]) => {
  const { child } = linguacodus(cliArgs, { LINGUACODUS_HOME: join(root, "home") }, { sources: true });
  children.push(child);
  return child;
};
const holderOf = (out: string) => BenchLockHolderSchema.parse(JSON.parse(readFileSync(join(out, BENCH_LOCK_FILE), "utf8")));

async function until(what: string, check: () => boolean, ms = 180_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "lc-bench-lock-"));
  task = (await resolveTask("concrete-strength", join(tmpdir(), "linguacodus-test-tasks"))).dir;
  // A model server that takes every request and never answers: the run waits at its first model call.
  server = createServer(() => undefined);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  model = `openai:hang@http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(root, { recursive: true, force: true });
});

describe("bench folder lock", () => {
  it("a second bench --resume refuses and names the holder; a dead holder's lock is taken over", async () => {
    const out = join(root, "bench");
    const first = start(["bench", task, ...args(out)]);
    await until("the first bench to start its run", () => existsSync(join(out, "bench-events.jsonl")) && readFileSync(join(out, "bench-events.jsonl"), "utf8").includes("run.started"));
    expect(holderOf(out)).toMatchObject({ pid: first.pid, host: hostname() });

    const second = await linguacodus(["bench", ...args(out, "--resume")], { LINGUACODUS_HOME: join(root, "home") }, { sources: true });
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(new RegExp(`the bench folder is in use: .*bench.lock is held by pid ${first.pid} on ${hostname()} since \\d{4}-`));
    expect(readFileSync(join(out, "bench-events.jsonl"), "utf8").match(/"bench.started"/g)).toHaveLength(1);

    first.kill("SIGKILL");
    await once(first, "exit");
    expect(holderOf(out).pid).toBe(first.pid); // left behind by the killed runner

    const third = start(["bench", ...args(out, "--resume")]);
    await until("the third bench to take the lock over", () => existsSync(join(out, BENCH_LOCK_FILE)) && holderOf(out).pid === third.pid);
    await until("the takeover to be logged", () => readFileSync(join(out, "bench.log"), "utf8").includes(`took over the lock of pid ${first.pid}`));
    third.kill("SIGKILL");
    await once(third, "exit");
  });
});
