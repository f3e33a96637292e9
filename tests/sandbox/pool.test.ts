// Warm containers: reused between attempts, yet every attempt starts from nothing (fresh process,
// empty workspace and /tmp, no leftover processes); a timed-out or OOM container is replaced.
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDockerSandbox, type DockerSandbox } from "../../sandbox/index.js";
import { docker, ensureSandboxImage, sandboxContainerIds } from "./engine-helpers.js";

let sandbox: DockerSandbox;
let publicDir: string;
let otherPublicDir: string;

beforeAll(async () => {
  await ensureSandboxImage();
  sandbox = await createDockerSandbox({ docker, limits: { memoryBytes: 768 * 1024 ** 2, pids: 128 } });
  const root = mkdtempSync(join(tmpdir(), "lc-sandbox-pool-"));
  publicDir = join(root, "a", "public");
  otherPublicDir = join(root, "b", "public");
  mkdirSync(publicDir, { recursive: true });
  mkdirSync(otherPublicDir, { recursive: true });
  writeFileSync(join(publicDir, "which.txt"), "A");
  writeFileSync(join(otherPublicDir, "which.txt"), "B");
});

afterAll(async () => {
  await sandbox?.close();
});

const LEAVE_TRACES = `
import os, subprocess, json, numpy, sys
open("/workspace/left.txt", "w").write("x")
os.makedirs("/workspace/deep/dir", exist_ok=True)
open("/tmp/left.txt", "w").write("x")
open("/dev/shm/left.txt", "w").write("x")
json.LEAKED = True
sys.modules["numpy"].LEAKED = True
os.environ["LEAKED"] = "1"
subprocess.Popen(["sleep", "1000"], start_new_session=True)
os.chmod("/workspace/deep", 0o000)
print("PID", os.getpid(), "RNG", numpy.random.rand())
`;

const INSPECT = `
import os, json, numpy
me, parent = os.getpid(), os.getppid()
others = []
for entry in os.listdir("/proc"):
    if entry.isdigit() and int(entry) not in (1, me):
        state = open("/proc/%s/stat" % entry).read().rsplit(")", 1)[1].split()[0]
        uid = [l for l in open("/proc/%s/status" % entry).read().splitlines() if l.startswith("Uid:")][0].split()[1]
        # The fork server runs as root, out of the attempt's domain; anything else is a leftover.
        if state != "Z" and uid != "0":
            others.append(open("/proc/%s/cmdline" % entry).read().replace("\\0", " "))
print("PID", me, "RNG", numpy.random.rand())
print("WORKSPACE", sorted(os.listdir("/workspace")))
print("TMP", sorted(os.listdir("/tmp")), sorted(os.listdir("/tmp/.linguacodus")))
print("SHM", sorted(os.listdir("/dev/shm")))
print("JSON_LEAK", hasattr(json, "LEAKED"), "NUMPY_LEAK", hasattr(numpy, "LEAKED"), "ENV_LEAK", "LEAKED" in os.environ)
print("OTHERS", others)
print("DATA", open("/data/which.txt").read())
`;

function field(stdout: string, name: string): string {
  return new RegExp(`^${name} (.*)$`, "m").exec(stdout)?.[1] ?? `<no ${name}>`;
}

describe("warm container pool", () => {
  it("reuses one container, with a fresh process, workspace, /tmp and module state per attempt", async () => {
    const first = await sandbox.run({ script: LEAVE_TRACES, timeoutSeconds: 60, publicDir });
    expect(first.outcome, first.stderr).toBe("ok");
    const second = await sandbox.run({ script: INSPECT, timeoutSeconds: 60, publicDir });
    expect(second.outcome, second.stderr).toBe("ok");
    expect(second.coldStartMs).toBe(0); // the same warm container served it
    expect(field(second.stdout, "WORKSPACE")).toBe("[]");
    // Only this attempt's own script is in /tmp.
    expect(field(second.stdout, "TMP")).toBe("['.linguacodus'] ['solution.py']");
    expect(field(second.stdout, "SHM")).toBe("[]");
    expect(field(second.stdout, "JSON_LEAK")).toBe("False NUMPY_LEAK False ENV_LEAK False");
    expect(field(second.stdout, "OTHERS")).toBe("[]");
    expect(field(second.stdout, "DATA")).toBe("A");
    expect(field(second.stdout, "PID").split(" ")[0]).not.toBe(field(first.stdout, "PID").split(" ")[0]);
    // numpy's global RNG is reseeded per attempt, as a fresh interpreter would be.
    expect(field(second.stdout, "PID").split(" RNG ")[1]).not.toBe(field(first.stdout, "PID").split(" RNG ")[1]);
  });

  it("keys containers by the public folder they mount", async () => {
    const b = await sandbox.run({ script: INSPECT, timeoutSeconds: 60, publicDir: otherPublicDir });
    expect(field(b.stdout, "DATA")).toBe("B");
    const a = await sandbox.run({ script: INSPECT, timeoutSeconds: 60, publicDir });
    expect(field(a.stdout, "DATA")).toBe("A");
    expect(a.coldStartMs).toBe(0);
  });

  it("replaces a container after a timeout and after an OOM kill", async () => {
    const warm = await sandbox.run({ script: "print(1)", timeoutSeconds: 30, publicDir });
    expect(warm.coldStartMs).toBe(0);
    const idsBefore = await sandboxContainerIds(sandbox);
    const timeout = await sandbox.run({ script: "import time\ntime.sleep(100)\n", timeoutSeconds: 2, publicDir });
    expect(timeout.outcome).toBe("timeout");
    const idsAfter = await sandboxContainerIds(sandbox);
    expect(idsAfter.length).toBe(idsBefore.length - 1); // the timed-out container is gone
    const next = await sandbox.run({ script: INSPECT, timeoutSeconds: 60, publicDir });
    expect(next.outcome).toBe("ok");
    expect(next.coldStartMs).toBeGreaterThan(0);

    const oom = await sandbox.run({ script: "chunks = []\nwhile True:\n    chunks.append(b'x' * (64 << 20))\n", timeoutSeconds: 60, publicDir });
    expect(oom.outcome).toBe("oom");
    const afterOom = await sandbox.run({ script: INSPECT, timeoutSeconds: 60, publicDir });
    expect(afterOom.outcome).toBe("ok");
    expect(afterOom.coldStartMs).toBeGreaterThan(0);
    expect(field(afterOom.stdout, "OTHERS")).toBe("[]");
  });

  it("pre-warms: the libraries are already imported when an attempt starts", async () => {
    await sandbox.prewarm(publicDir);
    const script = "import sys\nprint(sorted(m for m in ('numpy', 'pandas', 'sklearn', 'scipy') if m in sys.modules))\n";
    const result = await sandbox.run({ script, timeoutSeconds: 60, publicDir });
    expect(result.outcome).toBe("ok");
    expect(result.coldStartMs).toBe(0);
    expect(result.stdout).toBe("['numpy', 'pandas', 'scipy', 'sklearn']\n");
  });

  it("hands out an attempt's process already warmed up: a first pandas + scikit-learn fit copies few pages, and the warm-up leaves no trace", async () => {
    // Page faults, not time: a loaded host slows an attempt, it does not change what the attempt copies. Gradient
    // boosting and KFold are not in the warm-up (fork_server.py warm_up): the pages it spares are the libraries'
    // common ones. Measured: this script copies ~1,900 pages with the warm-up left out, ~200 with it.
    const script = `import resource
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
import numpy as np
import pandas as pd
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.model_selection import KFold
from sklearn.metrics import mean_absolute_error
rng = np.random.default_rng(3)
df = pd.DataFrame({"x%d" % i: rng.uniform(size=300) for i in range(6)})
df["y"] = df["x0"] * 3 + np.sin(df["x1"] * 6)
for train, valid in KFold(3, shuffle=True, random_state=0).split(df):
    model = GradientBoostingRegressor(n_estimators=10).fit(df.iloc[train].drop(columns="y"), df.iloc[train]["y"])
    mean_absolute_error(df.iloc[valid]["y"], model.predict(df.iloc[valid].drop(columns="y")))
print("FAULTS", resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
`;
    await sandbox.settled();
    const result = await sandbox.run({ script, timeoutSeconds: 60, publicDir });
    expect(result.outcome, result.stderr).toBe("ok");
    // Only the script's own output: nothing the warm-up printed or warned reaches the attempt.
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/^FAULTS \d+\n$/);
    expect(Number(field(result.stdout, "FAULTS"))).toBeLessThan(1200);
  });

  it("lets a process the script forks end as under plain python: only the attempt's own end ends the attempt", async () => {
    // The attempt reports its exit code before its teardown; a forked copy running on to the end must not.
    const script = `import os, sys, time
pid = os.fork()
if pid == 0:
    print("child", flush=True)
    sys.exit(0)
os.waitpid(pid, 0)
time.sleep(0.5)
open("after.txt", "w").write("x")
print("parent done")
sys.exit(4)
`;
    const outputDir = mkdtempSync(join(tmpdir(), "lc-sandbox-fork-"));
    const result = await sandbox.run({ script, timeoutSeconds: 60, publicDir, outputDir });
    expect(result.stdout).toBe("child\nparent done\n");
    expect(result.exitCode).toBe(4);
    expect(Object.keys(result.files)).toEqual(["after.txt"]);
  });

  it("an attempt that forges its exit report only ends itself early: what it left running is killed, the next attempt is clean", async () => {
    const script = `import os, threading, time
def pipe(fd):
    try:
        return os.readlink("/proc/self/fd/%d" % fd).startswith("pipe:")
    except OSError:
        return False
status = [fd for fd in range(3, 256) if pipe(fd)]
def late():
    time.sleep(20)
    open("/workspace/late.txt", "w").write("forged")
threading.Thread(target=late).start()
print("STATUS_FDS", len(status), flush=True)
for fd in status:
    os.write(fd, b"0\\n")
time.sleep(60)
raise SystemExit(3)
`;
    const outputDir = mkdtempSync(join(tmpdir(), "lc-sandbox-forge-"));
    const forged = await sandbox.run({ script, timeoutSeconds: 120, publicDir, outputDir });
    expect(forged.stdout).toBe("STATUS_FDS 1\n");
    expect(forged).toMatchObject({ outcome: "ok", exitCode: 0, files: {} });
    // Ended at the forged report, long before the late write (20 s) and the script's own end (60 s): a busy
    // machine's slow start or collection does not reach either.
    expect(forged.durationMs).toBeLessThan(15_000);
    const next = await sandbox.run({ script: `import time\ntime.sleep(2)\n${INSPECT}`, timeoutSeconds: 60, publicDir });
    expect(field(next.stdout, "OTHERS")).toBe("[]");
    expect(field(next.stdout, "WORKSPACE")).toBe("[]");
  });

  it("removes every container on close", async () => {
    const own = await createDockerSandbox({ docker });
    await own.prewarm(publicDir);
    expect((await sandboxContainerIds(own)).length).toBe(1);
    await own.close();
    expect(await sandboxContainerIds(own)).toEqual([]);
  });
});
