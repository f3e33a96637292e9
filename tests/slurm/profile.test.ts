// bench --executor slurm --sandbox-profile deep on a real single-node Slurm cluster (.ci/slurm.sh): bench.json keeps
// the profile with the other shared run options, the job script names the deep image and builds nothing on the node,
// and the cell opens that image. Where the deep image is not built (CI: it is opt-in, minutes to build) the cell's
// run record fails at once with the command that builds it; where it is built, the cell's run records the deep image.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRunJson } from "../../execution/index.js";
import { readManifest } from "../../benchmarks/manifest.js";
import { buildCommandOf, sandboxImageTag } from "../../sandbox/index.js";
import { buildCli, linguacodus } from "../support/cli.js";
import { cleanUp, recordBench, slurmUp, type Recorded } from "./support.js";

let root: string;
let env: NodeJS.ProcessEnv;
let recorded: Recorded;

beforeAll(async () => {
  env = { ...slurmUp(), LINGUACODUS_SLURM_POLL_MS: "300" };
  root = mkdtempSync(join(tmpdir(), "lc-slurm-profile-"));
  env.LINGUACODUS_HOME = join(root, "home");
  await buildCli();
  recorded = await recordBench(root, { taskIds: ["concrete-strength"], modes: ["direct"] });
}, 1_200_000);

afterAll(() => cleanUp(root, env));

describe("bench --executor slurm --sandbox-profile deep", () => {
  it("records the profile in bench.json and the cell runs with the deep image, or fails with the command that builds it", async () => {
    const out = join(root, "deep");
    const args = ["bench", recorded.tasks[0]!.dir, "--modes", "direct", "--models", `label=scripted;all=replay:${recorded.dir}`, "--no-report", "--json", "--out", out];
    const started = Date.now();
    const r = await linguacodus([...args, "--sandbox-profile", "deep", "--executor", "slurm"], env);
    const seconds = (Date.now() - started) / 1000;
    expect(r.code, r.stderr).toBe(0);
    // bench.json: the profile among the options every cell shares (what the node and --resume read)
    const manifest = readManifest(out)!;
    expect(manifest.options.sandboxProfile).toBe("deep");
    // the job script wants the deep image and builds none (no GPUs asked for: the CPU variant)
    const tag = sandboxImageTag("deep");
    const script = readFileSync(join(out, "slurm", "submit-1.sbatch"), "utf8");
    expect(script).toContain(`sandbox image ${tag} is not built on a node`);
    expect(script).not.toContain("sandbox build");
    const [id] = manifest.runs.map((run) => run.id);
    const run = readRunJson(join(out, "runs", id!));
    if (spawnSync("docker", ["image", "inspect", tag]).status === 0) {
      expect(run.versions.sandbox).toContain(`${tag} (profile deep`);
      expect(run.config.sandboxProfile).toBe("deep");
    } else {
      expect(run.status).toBe("failed");
      expect(run.failure?.message).toContain(`the deep sandbox image ${tag} is missing: build it with '${buildCommandOf("deep")}'`);
      // …at once, not after a build on the node (which takes many minutes): the bound leaves room for a busy cluster
      expect(seconds).toBeLessThan(300);
    }
    // resuming with another profile would split the bench: refused, naming the flag
    const other = await linguacodus(["bench", "--resume", "--out", out, "--executor", "slurm", "--sandbox-profile", "default"], env);
    expect(other.code).not.toBe(0);
    expect(other.stderr).toContain(`--sandbox-profile "default" differs from the bench's "deep" in bench.json`);
  }, 900_000);
});
