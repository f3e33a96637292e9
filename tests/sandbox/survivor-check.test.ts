// The supervisor's own check after an attempt (issue 21): it reads every thread, because a thread-group leader that
// ended with the raw exit syscall is a zombie pid while its other threads run on. The helper's kill(-1) would end
// such a process anyway; this holds the check itself to it, in a container of the real image (its own pid namespace:
// kill_others must never run where it could reach the host's processes).
import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { FORK_SERVER_IMAGE_PATH } from "../../sandbox/index.js";
import { ensureSandboxImage } from "./engine-helpers.js";

let image: string;
beforeAll(async () => {
  image = await ensureSandboxImage();
});

const PROBE = `
import ctypes, importlib.util, os, threading, time
spec = importlib.util.spec_from_file_location("fork_server", ${JSON.stringify(FORK_SERVER_IMAGE_PATH)})
server = importlib.util.module_from_spec(spec)
spec.loader.exec_module(server)
pid = os.fork()
if pid == 0:
    threading.Thread(target=time.sleep, args=(60,)).start()
    ctypes.CDLL(None).syscall(60, 0)  # SYS_exit: this thread only
while open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()[0] != "Z":
    time.sleep(0.01)
keep = {os.getpid()}
print("ZOMBIE_LEADER_THREADS", len(os.listdir("/proc/%d/task" % pid)) - 1)
print("SEEN", {p: len(t) for p, t in server.live_tasks(keep).items()} == {pid: 1})
print("KILLED", server.kill_others(keep), server.live_tasks(keep))
`;

describe("the supervisor's survivor check", () => {
  it("sees a zombie leader's live thread as alive, and kill_others ends it", () => {
    const r = spawnSync("docker", ["run", "--rm", "--network", "none", "--user", "1000:1000", image, "python3", "-c", PROBE], { encoding: "utf8", timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe("ZOMBIE_LEADER_THREADS 1\nSEEN True\nKILLED True {}\n");
  }, 180_000);
});
