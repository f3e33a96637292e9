// The image recipe and the container settings, read without an engine.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_SANDBOX_LIMITS,
  FORK_SERVER_IMAGE_PATH,
  SANDBOX_IMAGE_TAG,
  baseImageTag,
  classifyLine,
  sandboxCores,
  ownerLabels,
  ownerState,
  rootfsHash,
  sandboxAsset,
  sandboxAssetPath,
  containerOptions,
  parseManifest,
  recipeHash,
  renderDockerfile,
  toResult,
} from "../../sandbox/index.js";
import { sandboxRules } from "../../codegen/prompts/rules.js";

describe("image recipe", () => {
  it("keeps sandbox/Dockerfile equal to the recipe (regenerate it from renderDockerfile())", () => {
    const committed = readFileSync(join(import.meta.dirname, "..", "..", "sandbox", "Dockerfile"), "utf8");
    expect(committed).toBe(renderDockerfile());
  });

  it("tags the image by the recipe hash", () => {
    expect(SANDBOX_IMAGE_TAG).toBe(`linguacodus-sandbox:${recipeHash()}`);
    expect(recipeHash()).toMatch(/^[0-9a-f]{12}$/);
  });

  it("hashes the fork server into the image tag, not into the cached rootfs", () => {
    const FORK_SERVER_PY = sandboxAsset("fork_server.py");
    const edited = `${FORK_SERVER_PY}\n# edited\n`;
    expect(recipeHash(edited)).not.toBe(recipeHash());
    expect(rootfsHash()).toMatch(/^[0-9a-f]{12}$/);
    expect(baseImageTag()).toBe(`linguacodus-sandbox:base-${rootfsHash()}`);
    expect(renderDockerfile()).toContain(`COPY fork_server.py ${FORK_SERVER_IMAGE_PATH}`);
    expect(containerOptions({ image: "img", owner: "o", publicDir: undefined, limits: DEFAULT_SANDBOX_LIMITS, gpus: false, cores: 1 }).Cmd?.slice(0, 3)).toEqual([
      "python3",
      "-u",
      FORK_SERVER_IMAGE_PATH,
    ]);
  });

  it("ships the fork server as a Python file that compiles", () => {
    expect(sandboxAsset("fork_server.py")).toBe(readFileSync(join(import.meta.dirname, "..", "..", "sandbox", "fork_server.py"), "utf8"));
    const compiled = spawnSync("python3", ["-m", "py_compile", sandboxAssetPath("fork_server.py")], { encoding: "utf8", env: { ...process.env, PYTHONPYCACHEPREFIX: mkdtempSync(join(tmpdir(), "lc-pyc-")) } });
    expect(compiled.status, compiled.stderr).toBe(0);
  });

  it("rejects a malformed manifest with the source and the fix", () => {
    expect(() => parseManifest("{}", "label x")).toThrow(/label x: the sandbox image manifest is malformed.*sandbox build/s);
    expect(() => parseManifest("nope", "file y")).toThrow(/file y: .*not JSON/);
  });
});

describe("container options", () => {
  const spec = { image: "img", owner: "test", publicDir: "/tasks/t/public", limits: DEFAULT_SANDBOX_LIMITS, gpus: false, cores: 2 };

  it("locks the container down", () => {
    const options = containerOptions(spec);
    expect(options.NetworkDisabled).toBe(true);
    // The server starts as root with four capabilities; attempts run as uid 1000 with none (isolation.test.ts).
    expect(options.User).toBe("0:0");
    expect(options.Labels).toEqual({ "org.linguacodus.sandbox": "1", "org.linguacodus.sandbox.owner": "test" });
    expect(options.HostConfig).toMatchObject({
      NetworkMode: "none",
      Binds: ["/tasks/t/public:/data:ro"],
      ReadonlyRootfs: true,
      CapDrop: ["ALL"],
      CapAdd: ["KILL", "SETUID", "SETGID", "SETPCAP"],
      SecurityOpt: ["no-new-privileges"],
      IpcMode: "private",
      Sysctls: { "kernel.shm_rmid_forced": "1" },
      Memory: DEFAULT_SANDBOX_LIMITS.memoryBytes,
      MemorySwap: DEFAULT_SANDBOX_LIMITS.memoryBytes,
      PidsLimit: DEFAULT_SANDBOX_LIMITS.pids,
      NanoCpus: DEFAULT_SANDBOX_LIMITS.cpus * 1e9,
    });
    expect(options.HostConfig?.DeviceRequests).toBeUndefined();
  });

  it("pins the numeric libraries' threads to the attempt's cores, with threads that sleep while waiting", () => {
    const env = containerOptions({ ...spec, cores: 3 }).Env ?? [];
    for (const name of ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS", "LINGUACODUS_CPUS"]) expect(env).toContain(`${name}=3`);
    expect(env).toContain("OMP_WAIT_POLICY=PASSIVE");
    // The container's CPU limit is shared among the sandboxes that run at once, and never exceeds the host.
    expect(sandboxCores({ cpus: 2, hostCpus: 2, concurrent: 1 })).toBe(2);
    expect(sandboxCores({ cpus: 2, hostCpus: 2, concurrent: 2 })).toBe(1);
    expect(sandboxCores({ cpus: 8, hostCpus: 4, concurrent: 1 })).toBe(4);
    expect(sandboxCores({ cpus: 2, hostCpus: 2, concurrent: 5 })).toBe(1);
    expect(sandboxCores({ cpus: 0.5, hostCpus: 2 })).toBe(1);
    // The coders are told the count for n_jobs (and nothing when it is unknown).
    expect(sandboxRules(["numpy"], 2)).toContain("The script gets 2 CPU cores: set n_jobs=2 (not -1)");
    expect(sandboxRules(["numpy"])).not.toContain("n_jobs");
  });

  it("passes GPUs through only when asked", () => {
    expect(containerOptions({ ...spec, gpus: true }).HostConfig?.DeviceRequests).toEqual([{ Driver: "nvidia", Count: -1, Capabilities: [["gpu"]] }]);
  });

  it("mounts nothing at /data without a public folder", () => {
    expect(containerOptions({ ...spec, publicDir: undefined }).HostConfig?.Binds).toEqual([]);
  });
});

describe("toResult", () => {
  const captured = (text: string, dropped = 0) => ({ head: text, tail: "", totalBytes: text.length + dropped, droppedBytes: dropped });
  const finished = (over: Partial<{ exitCode: number | null; signal: number | null; oomKilled: boolean }>) =>
    toResult(
      {
        kind: "finished",
        files: new Map(),
        result: {
          type: "result", id: "1", exitCode: 0, signal: null, oomKilled: false, durationMs: 12.4,
          stdout: captured("out"), stderr: captured("Traceback (most recent call last):\n  File \"/tmp/.linguacodus/solution.py\", line 3, in <module>\nNameError: name 'x' is not defined\n"),
          files: [], skippedFiles: [], ...over,
        },
      },
      50,
      10,
    );

  it("maps exit status, signals and OOM to outcomes", () => {
    expect(finished({}).outcome).toBe("ok");
    expect(finished({ exitCode: 1 })).toMatchObject({ outcome: "error", exitCode: 1, error: { type: "NameError", line: 3 } });
    expect(finished({ exitCode: null, signal: 9 })).toMatchObject({ outcome: "killed", exitCode: 137 });
    expect(finished({ exitCode: null, signal: 9, oomKilled: true })).toMatchObject({ outcome: "oom", exitCode: 137 });
    expect(toResult({ kind: "timeout", stdoutHead: "epoch 1\n", stderrHead: "" }, 10_000, 10)).toMatchObject({
      outcome: "timeout",
      exitCode: null,
      durationMs: 10_000,
      stdout: "epoch 1\n",
    });
    expect(toResult({ kind: "died", oomKilled: true, exitCode: 137, serverStderr: "" }, 5, 10).outcome).toBe("oom");
    expect(toResult({ kind: "died", oomKilled: false, exitCode: 1, serverStderr: "boom" }, 5, 10).outcome).toBe("killed");
  });
});

describe("the control channel during an attempt", () => {
  const result = (id: string) =>
    JSON.stringify({
      type: "result", id, exitCode: 0, signal: null, oomKilled: false, durationMs: 1,
      stdout: { head: "", tail: "", totalBytes: 0, droppedBytes: 0 }, stderr: { head: "", tail: "", totalBytes: 0, droppedBytes: 0 },
      files: [], skippedFiles: [],
    });

  it("accepts only this attempt's messages; a stray line or another nonce voids the attempt", () => {
    expect(classifyLine(result("nonce-1"), "nonce-1")).toMatchObject({ ok: true, message: { type: "result" } });
    expect(classifyLine(result("nonce-0"), "nonce-1")).toMatchObject({ ok: false, reason: expect.stringContaining("does not belong to this attempt") });
    expect(classifyLine("hello from a script", "nonce-1")).toMatchObject({ ok: false, reason: expect.stringContaining("not JSON") });
    expect(classifyLine('{"type":"ready"}', "nonce-1")).toMatchObject({ ok: false });
  });

  it("turns a voided attempt into that attempt's error (the fix loop goes on), not a crash of the run", () => {
    const r = toResult({ kind: "protocol", reason: "the sandbox control channel carried a result message that does not belong to this attempt", stdoutHead: "x", stderrHead: "" }, 20, 10);
    expect(r).toMatchObject({ outcome: "error", exitCode: null, stdout: "x", error: { type: "SandboxChannelError" } });
    expect(r.stderr).toContain("container was thrown away");
  });
});

describe("container owners", () => {
  const here = { pid: 100, host: "h", bootId: "b", startTicks: "5", pidNamespace: "pid:[1]" };
  const labels = (over: Partial<typeof here>) => ownerLabels({ ...here, ...over });

  it("tells a dead owner (no pid, reused pid, reboot) from a live one and from one it cannot judge", () => {
    const startOf = (pid: number) => (pid === 100 ? "5" : pid === 200 ? "9" : undefined);
    expect(ownerState(labels({}), here, startOf)).toBe("alive");
    expect(ownerState(labels({ pid: 300 }), here, startOf)).toBe("gone"); // no such process
    expect(ownerState(labels({ pid: 200, startTicks: "7" }), here, startOf)).toBe("gone"); // the pid was reused
    expect(ownerState(labels({ bootId: "older" }), here, startOf)).toBe("gone"); // rebooted since
    expect(ownerState(labels({ host: "other" }), here, startOf)).toBe("unknown");
    expect(ownerState(labels({ pidNamespace: "pid:[2]" }), here, startOf)).toBe("unknown");
    expect(ownerState(undefined, here, startOf)).toBe("unknown");
  });
});
