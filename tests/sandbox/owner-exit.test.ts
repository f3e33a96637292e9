// A run that dies without closing its sandbox (SIGKILL, crash) must not leave pooled containers running:
// the fork server reads the owner's attach stream as its stdin and exits when that stream closes.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_OWNER_LABEL } from "../../sandbox/index.js";
import { docker, ensureSandboxImage } from "./engine-helpers.js";

const child = fileURLToPath(new URL("./fixtures/hold-sandbox.ts", import.meta.url));

async function runningContainers(instanceId: string): Promise<string[]> {
  const list = await docker.listContainers({ filters: { label: [`${SANDBOX_OWNER_LABEL}=${instanceId}`], status: ["running"] } });
  return list.map((c) => c.Id);
}

describe("pooled containers and their owner", () => {
  beforeAll(async () => {
    await ensureSandboxImage();
  });

  it("stop when the owning process is killed without closing the sandbox", async () => {
    const proc = spawn(process.execPath, ["--import", "tsx", child], { stdio: ["ignore", "pipe", "inherit"] });
    const firstLine = await new Promise<string>((resolve, reject) => {
      createInterface({ input: proc.stdout! }).once("line", resolve);
      proc.once("exit", (code) => reject(new Error(`hold-sandbox exited early (${code})`)));
    });
    const { instanceId } = JSON.parse(firstLine) as { instanceId: string };
    expect(await runningContainers(instanceId)).toHaveLength(1);

    proc.kill("SIGKILL");
    let running = await runningContainers(instanceId);
    // Up to 60 s: a busy machine may take a while to notice the owner is gone.
    for (let i = 0; i < 240 && running.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 250));
      running = await runningContainers(instanceId);
    }
    const leftovers = await docker.listContainers({ all: true, filters: { label: [`${SANDBOX_OWNER_LABEL}=${instanceId}`] } });
    await Promise.all(leftovers.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
    expect(running).toEqual([]);
  }, 120_000);
});
