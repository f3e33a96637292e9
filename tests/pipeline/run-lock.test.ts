// One process per run folder (issue 21 item 5), through the built CLI on the real Docker sandbox: a run killed
// with kill -9 while it waits for its model leaves a stale run.lock; of two `run --resume` started together on
// that folder, one takes the dead holder's lock over and finishes, the other is refused naming the holder — and
// events.jsonl holds attempt 001 once. The model answers the resumed run only once one of the two has exited, so
// the holder still holds the folder when the other arrives however slowly either starts (on a loaded machine the
// second process once arrived after the first had finished).
import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { RUN_LOCK_FILE, readEvents } from "../../execution/index.js";
import { cliPath, linguacodus } from "../support/cli.js";
import { type OpenAiTestServer, type ServerReply } from "../support/openai-server.js";
import { forest } from "../benchmarks/bench-support.js";
import { fence } from "../support/fence.js";
import { tempDir, useCliAndModelServer } from "./support.js";
import { until } from "../support/wait.js";

let server: OpenAiTestServer;
let taskDir: string;
let home: string;
/** Every model call waits for it: never answered for the first run (it hangs there until killed), opened for
 * the resumed ones once one of them has exited. */
let hold: Promise<ServerReply> = new Promise<ServerReply>(() => undefined);

useCliAndModelServer(() => hold, (fixture) => ({ taskDir, server } = fixture));
beforeAll(() => {
  home = tempDir("lc-run-lock-home-");
});

describe("run folder lock", () => {
  it("two run --resume on one folder: one proceeds (taking over a dead holder's lock), the other is refused naming the holder", async () => {
    const out = tempDir("lc-run-lock-");
    const model = `openai:scripted@${server.baseURL}`;
    const first = spawn(process.execPath, [cliPath, "run", taskDir, "--mode", "direct", "--model", model, "--out", out], {
      env: { ...process.env, LINGUACODUS_HOME: home },
      stdio: "ignore",
    });
    await until("the first run to call its model", () => server.received.length > 0);
    const [name] = readdirSync(out);
    const runDir = join(out, name!);
    expect(existsSync(join(runDir, RUN_LOCK_FILE))).toBe(true);
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    let open!: () => void;
    hold = new Promise<void>((resolve) => (open = resolve)).then(() => ({ text: fence(forest(1, "sample.columns[1]")) }));

    const resumes = [0, 1].map(() => linguacodus(["run", "--resume", runDir, "--json"], { LINGUACODUS_HOME: home }));
    // One of them is refused at once; if both took the folder (the lock broken), neither exits until this bound.
    await Promise.race([...resumes, new Promise((r) => setTimeout(r, 120_000))]);
    open();
    const results = await Promise.all(resumes);
    const ok = results.filter((r) => r.code === 0);
    const refused = results.filter((r) => r.code !== 0);
    expect(ok, JSON.stringify(results)).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.stderr).toMatch(new RegExp(`the run folder is in use: ${runDir}/run\\.lock is held by pid \\d+ on \\S+ since \\S+ \\(.*run --resume ${runDir}.*\\); wait for it to finish`));
    expect(JSON.parse(ok[0]!.stdout)).toMatchObject({ valid: true });
    const attempts = readEvents(runDir).filter((e) => e.type === "attempt.finished" && e.attempt === "001");
    expect(attempts).toHaveLength(1);
    expect(readEvents(runDir).filter((e) => e.type === "run.started" && e.resumed)).toHaveLength(1);
    // the lock goes with its holder
    expect(existsSync(join(runDir, RUN_LOCK_FILE))).toBe(false);
    expect(readFileSync(join(runDir, "run.json"), "utf8")).toContain('"status": "succeeded"');
  }, 600_000);
});
