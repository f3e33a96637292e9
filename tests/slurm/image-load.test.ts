// A node without the sandbox image gets it the way the Slurm job script says: from the tarball that
// `linguacodus sandbox export` wrote (docker load under the node's lock), or by the build command when there is
// no tarball. Run on the real engine with a small image made for the test (the real one is 900 MB).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderJobScript } from "../../benchmarks/executors/index.js";
import { buildCli, linguacodus } from "../support/cli.js";

const tag = `linguacodus-exporttest:${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), "lc-image-load-"));
const docker = (...args: string[]) => spawnSync("docker", args, { encoding: "utf8" });
const hasImage = () => docker("image", "inspect", tag).status === 0;

/** The job script's image block alone (everything before the final `exec` of the cell). */
function imageBlock(tarball: string | undefined, buildCommand: string[]): string {
  const script = renderJobScript({
    benchDir: dir,
    cellsFile: join(dir, "x.cells.json"),
    cellCount: 1,
    cwd: dir,
    cellCommand: ["true"],
    resources: {},
    logDir: dir,
    image: { tag, ...(tarball ? { tarball } : {}), buildCommand },
  });
  return script.slice(0, script.lastIndexOf("\nexec "));
}

beforeAll(async () => {
  // A one-file image, imported from a tar the test writes (no registry here).
  writeFileSync(join(dir, "hello.txt"), "hello\n");
  execFileSync("tar", ["-cf", join(dir, "rootfs.tar"), "-C", dir, "hello.txt"]);
  execFileSync("docker", ["import", join(dir, "rootfs.tar"), tag]);
  await buildCli();
}, 300_000);

afterAll(() => {
  docker("rmi", "-f", tag);
});

describe("sandbox image on a Slurm node", () => {
  it("sandbox export writes a tarball; a node without the image loads it under the lock", async () => {
    const tarball = join(dir, "image.tar");
    const exported = await linguacodus(["sandbox", "export", tarball, "--image", tag]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toMatch(new RegExp(`exported ${tag.replace(/[.:]/g, "\\$&")} to ${tarball}`));
    expect(docker("rmi", "-f", tag).status).toBe(0);
    expect(hasImage()).toBe(false);
    const marker = join(dir, "built");
    const run = spawnSync("bash", ["-c", imageBlock(tarball, ["touch", marker])], { encoding: "utf8", env: { ...process.env, TMPDIR: dir } });
    expect(run.status, run.stderr).toBe(0);
    expect(hasImage()).toBe(true);
    expect(existsSync(marker)).toBe(false); // loaded, not built
  }, 300_000);

  it("without a tarball the node runs the build command, and skips both when the image is there", () => {
    docker("rmi", "-f", tag);
    const marker = join(dir, "built-2");
    const build = spawnSync("bash", ["-c", imageBlock(join(dir, "missing.tar"), ["touch", marker])], { encoding: "utf8", env: { ...process.env, TMPDIR: dir } });
    expect(build.status, build.stderr).toBe(0);
    expect(existsSync(marker)).toBe(true);
    execFileSync("docker", ["import", join(dir, "rootfs.tar"), tag]);
    const again = join(dir, "built-3");
    const skip = spawnSync("bash", ["-c", imageBlock(join(dir, "missing.tar"), ["touch", again])], { encoding: "utf8", env: { ...process.env, TMPDIR: dir } });
    expect(skip.status, skip.stderr).toBe(0);
    expect(existsSync(again)).toBe(false);
  });
});
