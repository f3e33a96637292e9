// The pure parts of the Slurm executor: what Slurm's commands print, read back; the job script it writes.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { expandIndices, parseSbatchOutput, parseScontrolJobs, parseStateLines, renderJobScript, sbatchDirectives, sbatchPathOptions, shellQuote, slurmCellImage, splitSbatchArgs, taskState, type CellImage } from "../../benchmarks/executors/index.js";
import { SANDBOX_IMAGE_TAG, sandboxImageTag } from "../../sandbox/index.js";

describe("reading Slurm's output", () => {
  it("expands pending ranges, keeps the never-split remainder, skips job steps", () => {
    const states = parseStateLines(["12_0|COMPLETED|None|0:0|vm", "12_1|CANCELLED by 0|None|0:15|vm", "12_[2-3,5%2]|PENDING|JobHeldUser|0:0|None assigned", "12_0.batch|COMPLETED||0:0|vm", "13|CANCELLED by 0|JobHeldUser|0:0|None assigned"].join("\n"));
    expect([...states.keys()].sort()).toEqual(["12_0", "12_1", "12_2", "12_3", "12_5", "13_*"]);
    expect(states.get("12_1")).toEqual({ state: "CANCELLED", reason: "", exitCode: "0:15", node: "vm" });
    expect(states.get("12_3")).toMatchObject({ state: "PENDING", reason: "JobHeldUser", node: "" });
    expect(expandIndices("0-2,7%4")).toEqual([0, 1, 2, 7]);
  });

  it("a task cancelled before it was split off has no record: cancelled while the job is live, else the remainder's state", () => {
    const live = parseStateLines("7_1|PENDING|JobHeldUser|-|\n");
    live.set("7_live", { state: "LIVE", reason: "", exitCode: "", node: "" });
    expect(taskState(live, "7_1")?.state).toBe("PENDING");
    expect(taskState(live, "7_0")).toMatchObject({ state: "CANCELLED", reason: "cancelled before it started" });
    const gone = parseStateLines("8|CANCELLED by 0|JobHeldUser|0:0|None assigned\n");
    expect(taskState(gone, "8_2")?.state).toBe("CANCELLED");
    const pendingAccounting = parseStateLines("9_[0-1]|PENDING|Priority|0:0|None assigned\n");
    expect(taskState(pendingAccounting, "9_1")?.state).toBe("PENDING");
  });

  it("reads sbatch's job id and scontrol's one-line jobs", () => {
    expect(parseSbatchOutput("1234\n")).toBe("1234");
    expect(parseSbatchOutput("1234;cluster\n")).toBe("1234");
    expect(() => parseSbatchOutput("Submitted")).toThrow(/sbatch printed no job id/);
    const states = parseScontrolJobs("JobId=21 ArrayJobId=20 ArrayTaskId=1 JobName=x JobState=TIMEOUT Reason=TimeLimit ExitCode=0:15 NodeList=n1\nJobId=20 ArrayJobId=20 ArrayTaskId=2-3 JobState=PENDING");
    expect([...states]).toEqual([["20_1", { state: "TIMEOUT", reason: "TimeLimit", exitCode: "0:15", node: "n1" }]]);
  });
});

describe("the job script", () => {
  it("splits --slurm-extra into sbatch options, quoted values whole", () => {
    expect(splitSbatchArgs(`--account lab --qos=short --comment "two words" --hold`)).toEqual(["--account=lab", "--qos=short", "--comment=two words", "--hold"]);
  });

  it("is one array with the throttle, the resources, the image step and the cell command", () => {
    const script = renderJobScript({
      benchDir: "/shared/b",
      cellsFile: "/shared/b/slurm/submit-1.cells.json",
      cellCount: 30,
      cwd: "/shared",
      cellCommand: ["/usr/bin/node", "/opt/lc/dist/cli/main.js", "bench-cell"],
      resources: { partition: "cpu", time: "01:00:00", cpus: 4, mem: "8G", gpus: 1, maxRunning: 20, extra: "--account=lab" },
      logDir: "/shared/b/slurm/logs",
      image: { tag: "linguacodus-sandbox:abc", tarball: "/shared/img.tar", buildCommand: ["/usr/bin/node", "/opt/lc/dist/cli/main.js", "sandbox", "build", "--offline"] },
    });
    const directives = script.split("\n").filter((l) => l.startsWith("#SBATCH")).map((l) => l.slice(8));
    expect(directives).toEqual(["--job-name=linguacodus-bench", "--array=0-29%20", "--partition=cpu", "--time=01:00:00", "--cpus-per-task=4", "--mem=8G", "--gpus=1", "--account=lab"]);
    expect(script).toContain("if [ -f /shared/img.tar ]; then docker load -i /shared/img.tar; else /usr/bin/node /opt/lc/dist/cli/main.js sandbox build --offline; fi");
    expect(script).toContain("flock 9");
    expect(script.trim().split("\n").pop()).toBe('exec /usr/bin/node /opt/lc/dist/cli/main.js bench-cell /shared/b --cells /shared/b/slurm/submit-1.cells.json --index "$SLURM_ARRAY_TASK_ID"');
  });

  it("names the profile's image: the deep one (CUDA with --slurm-gpus) is loaded from a tarball or left to the cell, never built on the node", () => {
    const cli = ["/usr/bin/node", "/opt/lc/dist/cli/main.js"];
    expect(slurmCellImage({ profile: "default", resources: {}, cli })).toEqual({ tag: SANDBOX_IMAGE_TAG, buildCommand: [...cli, "sandbox", "build", "--offline"] });
    expect(slurmCellImage({ profile: "deep", resources: { gpus: 2 }, cli: [] }).tag).toBe(sandboxImageTag("deep", { cuda: true }));
    expect(slurmCellImage({ profile: "default", resources: { gpus: 2 }, cli: [] }).tag).toBe(SANDBOX_IMAGE_TAG);
    const deep = slurmCellImage({ profile: "deep", resources: {}, cli });
    expect(deep).toEqual({ tag: sandboxImageTag("deep") });
    const render = (image: CellImage) =>
      renderJobScript({ benchDir: "/b", cellsFile: "/b/c.cells.json", cellCount: 1, cwd: "/", cellCommand: ["lc"], resources: {}, logDir: "/b/logs", image });
    const bare = render(deep);
    expect(bare).toContain(`# The sandbox image ${deep.tag} is not built on a node`);
    expect(bare).not.toContain("docker image inspect");
    const loaded = render(slurmCellImage({ profile: "deep", resources: {}, cli, tarball: "/shared/deep.tar" }));
    expect(loaded).toContain(`IMAGE=${deep.tag}`);
    expect(loaded).toContain("    if [ -f /shared/deep.tar ]; then docker load -i /shared/deep.tar; fi\n");
    expect(loaded).not.toContain("sandbox build");
  });

  it("carries paths as sbatch arguments and quotes every word on one line", () => {
    expect(sbatchPathOptions({ benchDir: "/s/b 1", logDir: "/s/b 1/slurm/logs", cwd: "/s/a\nb" })).toEqual(["--output=/s/b 1/slurm/logs/%A_%a.out", "--chdir=/s/a\nb"]);
    // a literal % is not a Slurm pattern; a backslash would switch patterns off: refused with the fix
    expect(sbatchPathOptions({ benchDir: "/s/100%", logDir: "/s/100%/l", cwd: "/" })[0]).toBe("--output=/s/100%%/l/%A_%a.out");
    expect(() => sbatchPathOptions({ benchDir: "/s/a\\b", logDir: "/s/a\\b/l", cwd: "/" })).toThrow(/holds a backslash.*choose an --out without one/);
    for (const word of ["a\nb'c\\", "sp ace $HOME `id` \"q\"", "\x1b]0;t\x07\r\t"]) {
      expect(shellQuote(word)).not.toContain("\n");
      expect(execFileSync("bash", ["-c", `printf %s ${shellQuote(word)}`], { encoding: "utf8" })).toBe(word);
    }
    expect(() => sbatchDirectives({ extra: '--comment "a\nb"' })).toThrow(/holds a newline or control character/);
  });
});
