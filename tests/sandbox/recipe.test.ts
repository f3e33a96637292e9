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
  rootfsHash,
  sandboxAsset,
  sandboxAssetPath,
  containerOptions,
  parseManifest,
  recipeHash,
  renderDockerfile,
  toResult,
} from "../../sandbox/index.js";

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
    expect(containerOptions({ image: "img", owner: "o", publicDir: undefined, limits: DEFAULT_SANDBOX_LIMITS, gpus: false }).Cmd?.slice(0, 3)).toEqual([
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
  const spec = { image: "img", owner: "test", publicDir: "/tasks/t/public", limits: DEFAULT_SANDBOX_LIMITS, gpus: false };

  it("locks the container down", () => {
    const options = containerOptions(spec);
    expect(options.NetworkDisabled).toBe(true);
    expect(options.User).toBe("1000:1000");
    expect(options.Labels).toEqual({ "org.linguacodus.sandbox": "1", "org.linguacodus.sandbox.owner": "test" });
    expect(options.HostConfig).toMatchObject({
      NetworkMode: "none",
      Binds: ["/tasks/t/public:/data:ro"],
      ReadonlyRootfs: true,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      Memory: DEFAULT_SANDBOX_LIMITS.memoryBytes,
      MemorySwap: DEFAULT_SANDBOX_LIMITS.memoryBytes,
      PidsLimit: DEFAULT_SANDBOX_LIMITS.pids,
      NanoCpus: DEFAULT_SANDBOX_LIMITS.cpus * 1e9,
    });
    expect(options.HostConfig?.DeviceRequests).toBeUndefined();
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
          files: [], skippedFiles: [], clean: true, ...over,
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
