// Each isolation property of the Docker sandbox, tested with a script that tries to break it,
// on the real engine and the real image. Every attempt gets a new container here (reuse: false);
// pool.test.ts repeats the attempt-to-attempt properties with warm containers.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDockerSandbox,
  currentOwner,
  DEFAULT_SANDBOX_LIMITS,
  type DockerSandbox,
  OWNER_PID_LABEL,
  ownerLabels,
  processStartTicks,
  SANDBOX_CONTAINER_LABEL,
  SANDBOX_IMAGE_TAG,
  SANDBOX_SCRIPT_PATH,
} from "../../sandbox/index.js";
import { missingSubmissionMessage } from "../../execution/index.js";
import { buildCli, linguacodus } from "../support/cli.js";
import { docker, ensureSandboxImage, sandboxContainerIds } from "./engine-helpers.js";

let sandbox: DockerSandbox;
let taskDir: string;
let publicDir: string;
const SECRET = "PRIVATE-ANSWER-7f3c9e";

beforeAll(async () => {
  await ensureSandboxImage();
  sandbox = await createDockerSandbox({
    docker,
    reuse: false,
    limits: { memoryBytes: 512 * 1024 ** 2, pids: 64, cpus: 1 },
  });
  taskDir = mkdtempSync(join(tmpdir(), "lc-sandbox-task-"));
  publicDir = join(taskDir, "public");
  mkdirSync(publicDir);
  mkdirSync(join(taskDir, "private"));
  writeFileSync(join(publicDir, "train.csv"), "id,x,y\n1,0.5,1\n2,0.25,0\n");
  writeFileSync(join(taskDir, "private", "answers.csv"), `id,y\n1,${SECRET}\n`);
});

afterAll(async () => {
  await sandbox?.close();
});

const run = (script: string, extra: { timeoutSeconds?: number; publicDir?: string; outputDir?: string; env?: Record<string, string> } = {}) =>
  sandbox.run({ script, timeoutSeconds: extra.timeoutSeconds ?? 60, publicDir: extra.publicDir ?? publicDir, outputDir: extra.outputDir, env: extra.env });

describe("docker sandbox isolation", () => {
  it("has no network: sockets and DNS fail, only loopback exists", async () => {
    const result = await run(`
import socket
try:
    socket.create_connection(("1.1.1.1", 80), timeout=3)
    print("CONNECTED")
except OSError as e:
    print("CONNECT_FAILED", type(e).__name__)
try:
    socket.getaddrinfo("pypi.org", 443)
    print("RESOLVED")
except OSError as e:
    print("DNS_FAILED", type(e).__name__)
print("IFACES", sorted(l.split(":")[0].strip() for l in open("/proc/net/dev").read().splitlines()[2:]))
`);
    expect(result.outcome).toBe("ok");
    expect(result.stdout).toContain("CONNECT_FAILED");
    expect(result.stdout).toContain("DNS_FAILED");
    expect(result.stdout).not.toContain("CONNECTED\n");
    expect(result.stdout).not.toContain("RESOLVED");
    expect(result.stdout).toContain("IFACES ['lo']");
  });

  it("mounts the public files read-only at /data and nothing may be written there", async () => {
    const result = await run(`
print(open("/data/train.csv").read().splitlines()[1])
try:
    open("/data/train.csv", "a").write("tamper")
    print("WROTE_DATA")
except OSError as e:
    print("DATA_READONLY", e.errno)
try:
    open("/data/new.csv", "w").write("x")
    print("CREATED_IN_DATA")
except OSError as e:
    print("DATA_NOCREATE", e.errno)
`);
    expect(result.outcome).toBe("ok");
    expect(result.stdout).toContain("1,0.5,1");
    expect(result.stdout).toMatch(/DATA_READONLY (13|30)/); // EACCES (root-owned file) or EROFS
    expect(result.stdout).toContain("DATA_NOCREATE 30");
    expect(readFileSync(join(publicDir, "train.csv"), "utf8")).not.toContain("tamper");
    expect(existsSync(join(publicDir, "new.csv"))).toBe(false);
  });

  it("never shows the private answers: not on any path, not in any file the script can read", async () => {
    const result = await run(`
import os
SECRET = ${JSON.stringify(SECRET.slice(0, 8))} + ${JSON.stringify(SECRET.slice(8))}  # split, so this script is no hit
found = []
for root, dirs, files in os.walk("/"):
    if root.startswith(("/proc", "/sys", "/dev")):
        dirs[:] = []
        continue
    for name in files:
        path = os.path.join(root, name)
        if name == "answers.csv":
            found.append(path)
        if root.startswith(("/data", "/workspace", "/tmp", "/mnt", "/media", "/home", "/root", "/srv")):
            try:
                if SECRET in open(path, errors="ignore").read():
                    found.append("secret in " + path)
            except OSError:
                pass
print("FOUND", found)
print("DATA", sorted(os.listdir("/data")))
`);
    expect(result.outcome).toBe("ok");
    expect(result.stdout).toContain("FOUND []");
    expect(result.stdout).toContain("DATA ['train.csv']");
  });

  it("refuses to mount a task root or a private folder instead of public/", async () => {
    await expect(run("print(1)", { publicDir: taskDir })).rejects.toThrow(/holds private answers/);
    await expect(run("print(1)", { publicDir: join(taskDir, "private") })).rejects.toThrow(/private folder/);
  });

  it("allows writes only in the workspace (and scratch /tmp); the root filesystem is read-only", async () => {
    const result = await run(`
import os
for path in ["/etc/x", "/usr/x", "/opt/x", "/x", "/home/x", "/var/tmp/x"]:
    try:
        open(path, "w").write("x")
        print("WROTE", path)
    except OSError as e:
        print("DENIED", path, e.errno)
open("/workspace/ok.txt", "w").write("fine")
print("CWD", os.getcwd())
`);
    expect(result.outcome).toBe("ok");
    expect(result.stdout).not.toContain("WROTE");
    for (const path of ["/etc/x", "/usr/x", "/opt/x", "/x", "/home/x", "/var/tmp/x"]) expect(result.stdout).toContain(`DENIED ${path}`);
    expect(result.stdout).toContain("CWD /workspace");
  });

  it("runs as a non-root user with no capabilities and no-new-privileges", async () => {
    const result = await run(`
import os
status = dict(l.split(":", 1) for l in open("/proc/self/status").read().splitlines())
print("UID", os.getuid(), os.geteuid(), os.getgid())
for key in ["CapEff", "CapPrm", "CapBnd", "NoNewPrivs"]:
    print(key, status[key].strip())
try:
    os.setuid(0)
    print("BECAME_ROOT")
except PermissionError:
    print("SETUID_DENIED")
`);
    expect(result.outcome).toBe("ok");
    expect(result.stdout).toContain("UID 1000 1000 1000");
    expect(result.stdout).toContain("CapEff 0000000000000000");
    expect(result.stdout).toContain("CapPrm 0000000000000000");
    expect(result.stdout).toContain("CapBnd 0000000000000000");
    expect(result.stdout).toContain("NoNewPrivs 1");
    expect(result.stdout).toContain("SETUID_DENIED");
  });

  it("stops a fork bomb with the pids limit, and the timeout removes the container", async () => {
    const counted = await run(`
import os, time
n = 0
try:
    while True:
        pid = os.fork()
        if pid == 0:
            time.sleep(60)
            os._exit(0)
        n += 1
except OSError as e:
    print("FORK_REFUSED_AFTER", n, type(e).__name__)
`);
    expect(counted.outcome).toBe("ok");
    const refusedAfter = Number(/FORK_REFUSED_AFTER (\d+)/.exec(counted.stdout)?.[1]);
    expect(refusedAfter).toBeGreaterThan(0);
    expect(refusedAfter).toBeLessThan(64);

    const before = await sandboxContainerIds(sandbox);
    const bomb = await run(
      `
import os
while True:
    try:
        os.fork()
    except OSError:
        pass
`,
      { timeoutSeconds: 5 },
    );
    expect(bomb.outcome).toBe("timeout");
    expect(bomb.durationMs).toBeLessThan(20_000);
    // Nothing of this sandbox survives: the timed-out container was killed and removed.
    expect(before).toEqual([]);
    expect(await sandboxContainerIds(sandbox)).toEqual([]);
    // The engine and the next attempt are fine.
    expect((await run("print('alive')")).stdout).toBe("alive\n");
  });

  it("classifies a memory hog as oom", async () => {
    const result = await run(`
chunks = []
while True:
    chunks.append(b"x" * (64 << 20))
`);
    expect(result.outcome).toBe("oom");
    expect(result.exitCode).toBe(137);
  });

  it("kills an infinite loop at the wall-clock timeout", async () => {
    const started = Date.now();
    const result = await run("print('started', flush=True)\nwhile True:\n    pass\n", { timeoutSeconds: 3 });
    expect(result.outcome).toBe("timeout");
    expect(result.stdout).toBe("started\n"); // what it printed before the limit survives the kill
    expect(result.stderr).toContain("wall-clock limit");
    expect(result.exitCode).toBeNull();
    expect(result.durationMs).toBeGreaterThanOrEqual(3000);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("caps a flood of output at ~1 MiB per stream with a visible marker, keeping head and tail", async () => {
    const result = await run(`
import sys
sys.stdout.write("HEAD\\n")
for i in range(200000):
    sys.stdout.write("%09d ................................................................\\n" % i)
sys.stdout.write("TAIL\\n")
sys.stderr.write("E" * (3 << 20))
`);
    expect(result.outcome).toBe("ok");
    expect(result.stdoutTruncated).toBe(true);
    expect(result.stderrTruncated).toBe(true);
    expect(result.stdout.startsWith("HEAD\n")).toBe(true);
    expect(result.stdout.endsWith("TAIL\n")).toBe(true);
    expect(result.stdout).toMatch(/\[\.\.\. linguacodus sandbox: \d+ bytes of output cut here \.\.\.\]/);
    expect(result.stdout.length).toBeLessThan(1024 ** 2 + 200);
    expect(result.stderr.length).toBeLessThan(1024 ** 2 + 200);
  });

  it("kills a script printing forever at the timeout without filling memory", async () => {
    const result = await run("while True:\n    print('x' * 1000)\n", { timeoutSeconds: 4 });
    expect(result.outcome).toBe("timeout");
    expect(result.stdout.length).toBeLessThan(1024 ** 2 + 200);
  });
});

describe("docker sandbox results", () => {
  it("reports a Python exception with its type, message and the line in the generated script", async () => {
    const result = await run(`import pandas as pd
df = pd.read_csv("/data/train.csv")

def pick(frame):
    return frame["price"]

pick(df)
`);
    expect(result.outcome).toBe("error");
    expect(result.exitCode).toBe(1);
    expect(result.error?.type).toBe("KeyError");
    expect(result.error?.message).toContain("price");
    expect(result.error?.line).toBe(5);
    expect(result.stderr).toContain(`File "${SANDBOX_SCRIPT_PATH}", line 7, in <module>`);
    expect(result.stderr).not.toContain("<string>"); // the fork server's own frame is hidden
  });

  it("reports syntax errors and missing modules", async () => {
    const syntax = await run("x = 1\nif x = 2:\n    pass\n");
    expect(syntax.outcome).toBe("error");
    expect(syntax.error?.type).toBe("SyntaxError");
    expect(syntax.error?.line).toBe(2);
    const missing = await run("import torch_not_here\n");
    expect(missing.error?.type).toBe("ModuleNotFoundError");
    expect(missing.error?.line).toBe(1);
  });

  it("maps exit codes and signals to outcomes", async () => {
    const exit3 = await run("import sys\nsys.exit(3)\n");
    expect(exit3).toMatchObject({ outcome: "error", exitCode: 3 });
    expect(exit3.error).toBeUndefined();
    const exit0 = await run("import sys\nprint('bye')\nsys.exit(0)\n");
    expect(exit0).toMatchObject({ outcome: "ok", exitCode: 0, stdout: "bye\n" });
    const killed = await run("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n");
    expect(killed).toMatchObject({ outcome: "killed", exitCode: 137 });
  });

  it("imports the whole whitelist and copies the files the script wrote into outputDir", async () => {
    const outputDir = mkdtempSync(join(tmpdir(), "lc-sandbox-out-"));
    const result = await run(
      `
import numpy, pandas, sklearn, scipy, xgboost, lightgbm, statsmodels, matplotlib, joblib, os
import matplotlib.pyplot as plt
plt.plot([1, 2], [3, 4]); plt.savefig("plots/fig.png") if os.makedirs("plots", exist_ok=True) is None else None
pandas.DataFrame({"id": [1, 2], "y": [0.1, 0.9]}).to_csv("submission.csv", index=False)
print(os.environ["LINGUACODUS_DATA_DIR"], os.environ["EXTRA"])
`,
      { outputDir, env: { EXTRA: "hello" } },
    );
    expect(result.outcome, result.stderr).toBe("ok");
    expect(result.stdout).toBe("/data hello\n");
    expect(Object.keys(result.files).sort()).toEqual(["plots/fig.png", "submission.csv"]);
    expect(readFileSync(join(outputDir, "submission.csv"), "utf8")).toBe("id,y\n1,0.1\n2,0.9\n");
    expect(readFileSync(join(outputDir, "plots", "fig.png")).subarray(1, 4).toString()).toBe("PNG");
  });

  it("caps the workspace size and the files collected, naming the ones left behind", async () => {
    const small = await createDockerSandbox({ docker, reuse: false, limits: { workspaceBytes: 8 * 1024 ** 2, maxCollectBytes: 1000 } });
    try {
      const outputDir = mkdtempSync(join(tmpdir(), "lc-sandbox-cap-"));
      const result = await small.run({
        script: `
open("a.txt", "w").write("a" * 500)
open("b.txt", "w").write("b" * 800)
try:
    open("big.bin", "wb").write(b"x" * (16 << 20))
    print("WROTE_BIG")
except OSError as e:
    print("WORKSPACE_FULL", e.errno)
`,
        timeoutSeconds: 60,
        outputDir,
      });
      expect(result.outcome, result.stderr).toBe("ok");
      expect(result.stdout).toContain("WORKSPACE_FULL 28"); // ENOSPC
      expect(Object.keys(result.files)).toEqual(["a.txt"]);
      expect(result.skippedFiles?.map((f) => f.name)).toEqual(["b.txt", "big.bin"]);
      expect(result.skippedFiles?.[0]?.reason).toBe("800 bytes, over the 1000 bytes collection limit (500 bytes were already taken)");
      expect(existsSync(join(outputDir, "b.txt"))).toBe(false);
    } finally {
      await small.close();
    }
  });
});

// Hostile scripts through the built CLI (issue 11): each outcome is contained, and each test failed on the
// code before the fix (the server ran as the scripts' user, kept IPC objects, ignored its owner's death).
describe("hostile scripts through `linguacodus sandbox run`", () => {
  const hostile = (name: string) => join(import.meta.dirname, "fixtures", "hostile", name);
  let cliWork: string;

  beforeAll(async () => {
    await buildCli();
    cliWork = mkdtempSync(join(tmpdir(), "lc-sandbox-hostile-"));
    mkdirSync(join(cliWork, "task", "public"), { recursive: true });
    writeFileSync(join(cliWork, "task", "public", "train.csv"), "id,y\n1,42\n");
    writeFileSync(join(cliWork, "genuine.py"), "print('genuine')\n");
  }, 240_000);

  it("cannot take over the fork server: channel fds, ptrace and /proc/<pid>/mem are all denied, the result is the script's own", async () => {
    const r = await linguacodus(["sandbox", "run", hostile("takeover.py"), join(cliWork, "genuine.py"), "--json", "--timeout", "60"]);
    expect(r.code, r.stderr).toBe(0);
    const [attack, next] = JSON.parse(r.stdout) as Array<{ outcome: string; stdout: string; coldStartMs: number }>;
    expect(attack?.stdout).not.toContain("FORGED-RESULT");
    expect(attack?.outcome).toBe("ok");
    // It saw the server's processes (tini, supervisor, zygote) and got nowhere with any of them.
    expect(Number(/TARGETS (\d+)/.exec(attack?.stdout ?? "")?.[1])).toBeGreaterThanOrEqual(3);
    expect(attack?.stdout).toContain("ROUTES fd=0/0 ptrace=0 mem=0");
    // The same warm container then serves the next attempt with its genuine result.
    expect(next).toMatchObject({ outcome: "ok", stdout: "genuine\n", coldStartMs: 0 });
  }, 180_000);

  // Issue 21: a process left behind by one attempt rewrote the next one's submission.csv and ptraced it into
  // printing a score it never computed. Each state it may hide in; the victim runs next in the same warm container.
  it.each([
    ["zombie-leader", /^ARMED zombie-leader state=Z live-threads=[1-9]/m],
    ["setsid", /^ARMED setsid new-session=True parent-gone=True /m],
    ["stopped", /^ARMED stopped state=T /m],
    ["vfork", /^ARMED vfork parent-state=D vfork-children=1 /m],
  ])("nothing an attempt starts outlives it to forge the next attempt's results: a %s survivor", async (mode, armed) => {
    const attack = join(cliWork, `${mode}.py`);
    writeFileSync(attack, readFileSync(hostile("outlive.py"), "utf8").replace(/^MODE = .*$/m, `MODE = ${JSON.stringify(mode)}`));
    const out = join(cliWork, `outlive-${mode}`);
    const r = await linguacodus(["sandbox", "run", attack, hostile("outlive_victim.py"), "--json", "--out", out, "--timeout", "60"]);
    expect(r.code, r.stderr).toBe(0);
    const [attempt, victim] = JSON.parse(r.stdout) as Array<{ outcome: string; stdout: string; stderr: string; coldStartMs: number }>;
    expect(attempt?.stdout).toMatch(armed); // the attack reached its state before its attempt ended
    // The next attempt ran in the same container (nothing was left, so it was kept) and nothing of the attack was
    // alive beside it: its score, its submission and what it saw are its own.
    expect(victim?.coldStartMs).toBe(0);
    expect(victim?.stdout, victim?.stderr).toBe("VALIDATION_SCORE=0.5\nSTRANGERS []\nSUBMISSION id,y|1,0.5|\n");
    expect(readFileSync(join(out, "outlive_victim", "submission.csv"), "utf8")).toBe("id,y\n1,0.5\n");
    // No attempt may trace a process, not even one of its own.
    expect(attempt?.stdout).toContain("ptrace-sibling=refused errno=1");
  }, 180_000);

  it("leaves no SysV shared memory, message queues or POSIX queues to the next attempt in a warm container", async () => {
    const r = await linguacodus(["sandbox", "run", hostile("ipc_leave.py"), hostile("ipc_inspect.py"), "--json", "--timeout", "60"]);
    expect(r.code, r.stderr).toBe(0);
    const [leave, inspect] = JSON.parse(r.stdout) as Array<{ outcome: string; stdout: string; coldStartMs: number }>;
    expect(leave?.stdout).toMatch(/^MADE shm=\d+ msg=\d+ mq=\d+$/m); // each object was created (ids >= 0)
    expect(inspect?.coldStartMs).toBe(0);
    expect(inspect?.stdout).toBe("SHM []\nMSG []\nSEM []\nMQ []\n");
  }, 180_000);

  it("names what it did not collect and why, and stops at the file-count cap", async () => {
    const out = join(cliWork, "many-out");
    const started = Date.now();
    const r = await linguacodus(["sandbox", "run", hostile("many_files.py"), "--task", join(cliWork, "task"), "--json", "--out", out, "--timeout", "120"]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { stdout: string; files: Record<string, string>; skippedFiles: Array<{ name: string; reason: string }> };
    expect(result.stdout).toBe("WROTE 5000\n");
    expect(Object.keys(result.files)).toHaveLength(DEFAULT_SANDBOX_LIMITS.maxCollectFiles);
    expect(result.skippedFiles).toContainEqual({ name: "submission.csv", reason: "a symbolic link (links are not followed)" });
    expect(result.skippedFiles).toContainEqual({
      name: "",
      reason: `${5000 - DEFAULT_SANDBOX_LIMITS.maxCollectFiles} more files not collected: at most ${DEFAULT_SANDBOX_LIMITS.maxCollectFiles} files are taken from the workspace`,
    });
    expect(existsSync(join(out, "submission.csv"))).toBe(false);
    // What the fixer reads (and the attempt records) says what happened, not "no submission.csv was written".
    expect(missingSubmissionMessage(result)).toBe(
      "submission.csv was written but not collected from the sandbox: it is a symbolic link (links are not followed); write a regular file of a sensible size",
    );
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 180_000);

  it("dies with its owner: kill -9 of the CLI mid-attempt stops the container, and a new start removes a dead owner's containers only", async () => {
    // The script's own timeout (120 s) lies far past the wait for the owner's death to stop it (60 s): a busy
    // machine's slow stop is not mistaken for a failure, and the timeout cannot be what stopped it.
    const { child: cli } = linguacodus(["sandbox", "run", hostile("endless.py"), "--timeout", "120"]);
    const mine = () => docker.listContainers({ filters: { label: [`${OWNER_PID_LABEL}=${cli.pid}`], status: ["running"] } });
    // Wait until the attempt runs (the server's processes are up; a container with no preloads starts in ~1 s).
    const serverUp = async () => {
      const [c] = await mine();
      if (!c) return false;
      const top = (await docker.getContainer(c.Id).top().catch(() => ({ Processes: [] }))) as { Processes?: string[][] };
      return (top.Processes ?? []).length >= 3;
    };
    for (let i = 0; i < 240 && !(await serverUp()); i++) await new Promise((r) => setTimeout(r, 250));
    await new Promise((r) => setTimeout(r, 4000));
    expect(await mine()).toHaveLength(1);
    const killedAt = Date.now();
    cli.kill("SIGKILL");
    let running = await mine();
    while (running.length > 0 && Date.now() - killedAt < 60_000) {
      await new Promise((r) => setTimeout(r, 250));
      running = await mine();
    }
    expect(running).toEqual([]); // well before the script's 120 s timeout

    // A running container whose owner is gone (that process ended) and one whose owner is alive (this test).
    const gone = spawn("sleep", ["0.3"]);
    const goneOwner = { ...currentOwner(), pid: gone.pid!, startTicks: processStartTicks(gone.pid!) ?? "" };
    await new Promise((r) => gone.once("exit", r));
    const make = async (labels: Record<string, string>) => {
      const c = await docker.createContainer({
        Image: SANDBOX_IMAGE_TAG,
        Cmd: ["sleep", "300"],
        Labels: { [SANDBOX_CONTAINER_LABEL]: "1", "org.linguacodus.test": "hostile", ...labels },
        HostConfig: { NetworkMode: "none", AutoRemove: false },
      });
      await c.start();
      return c;
    };
    const orphan = await make(ownerLabels(goneOwner));
    const alive = await make(ownerLabels(currentOwner()));
    try {
      const r = await linguacodus(["sandbox", "run", join(cliWork, "genuine.py"), "--timeout", "60"]);
      expect(r.code, r.stderr).toBe(0);
      expect(await orphan.inspect().then(() => "exists", () => "removed")).toBe("removed");
      expect((await alive.inspect()).State.Running).toBe(true);
    } finally {
      await alive.remove({ force: true }).catch(() => undefined);
      await orphan.remove({ force: true }).catch(() => undefined);
      // The killed CLI's own (stopped) container belongs to this test too.
      for (const c of await docker.listContainers({ all: true, filters: { label: [`${OWNER_PID_LABEL}=${cli.pid}`] } })) {
        await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
      }
    }
  }, 240_000);
});
