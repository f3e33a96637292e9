// Opt-in (LINGUACODUS_REAL_DEEP=1): builds the deep sandbox image through the CLI (cached: once per recipe; about
// 6–7 minutes cold on 2 cores, wheels ~480 MB downloaded once), trains a tiny CNN with torch inside it with no
// network, trains a timm model fed by torchvision transforms, and checks a run on the deep profile tells its
// coders the deep libraries.
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { grade } from "../../datasets/index.js";
import { createWiring, runTask, type Wiring } from "../../execution/index.js";
import { deepRecipe, deepWheelTarget, sandboxImageTag } from "../../sandbox/index.js";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { builtinTask, callKind, linguacodusScript, tempDir } from "../pipeline/support.js";
import { buildCli, linguacodus } from "../support/cli.js";
import { withScriptedModels } from "../support/scripted-team.js";

const enabled = process.env.LINGUACODUS_REAL_DEEP === "1";

describe.skipIf(!enabled)("deep sandbox image (opt-in)", () => {
  const tag = sandboxImageTag("deep");

  beforeAll(async () => {
    await buildCli();
    const build = await linguacodus(["sandbox", "build", "--offline", "--profile", "deep", "--json"]);
    if (build.code !== 0) throw new Error(`deep build failed: ${build.stderr.slice(-2000)}`);
    const result = JSON.parse(build.stdout) as { tag: string; durationMs: number; imageSizeBytes: number; skipped: boolean };
    expect(result.tag).toBe(tag);
    process.stderr.write(`deep image ${result.tag}: ${(result.imageSizeBytes / 1024 ** 2).toFixed(0)} MiB, ${result.skipped ? "existed" : `built in ${(result.durationMs / 1000).toFixed(0)} s`}\n`);
  }, 3_600_000);

  /** Runs a fixture script in the deep image through the CLI; the JSON line it printed last. */
  async function runFixture<T>(name: string): Promise<T> {
    const run = await linguacodus(["sandbox", "run", join(import.meta.dirname, "fixtures", name), "--sandbox-profile", "deep", "--timeout", "600", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { outcome: string; stdout: string };
    expect(result.outcome).toBe("ok");
    return JSON.parse(result.stdout.trim().split("\n").at(-1)!) as T;
  }

  it("trains a tiny CNN on generated images with torch on the CPU, with no network", async () => {
    const report = await runFixture<{ torch: string; accuracy: number; network: string }>("tiny_cnn.py");
    expect(report.torch).toBe("2.13.0+cpu");
    expect(report.accuracy).toBeGreaterThan(0.9);
    expect(report.network).toMatch(/^blocked/);
  }, 900_000);

  it("imports PyPI's torchvision and timm beside the CPU torch: transforms feed a timm model that trains; the C++ ops say they are absent", async () => {
    const report = await runFixture<{ torchvision: string; timm: string; first_loss: number; last_loss: number; nms: string }>("timm_torchvision.py");
    expect(report.torchvision).toBe("0.28.0+cu130");
    expect(report.timm).toBe("1.0.29");
    expect(report.last_loss).toBeLessThan(report.first_loss / 2);
    expect(report.nms).toBe("Couldn't load custom C++ ops");
  }, 900_000);

  it("names the deep image's libraries in the coder prompts and records the image", async () => {
    const wiring: Wiring = await createWiring({ sandbox: "docker", sandboxProfile: "deep" });
    try {
      expect(wiring.libraries).toContain("torch 2.13.0+cpu");
      expect(wiring.libraries).toContain("scikit-image 0.24.0 (import skimage)");
      expect(wiring.libraries).toContain("torchvision 0.28.0");
      expect(wiring.libraries).toContain("timm 1.0.29");
      const deps = withScriptedModels({ sandbox: wiring.sandbox, grade, libraries: wiring.libraries, versions: wiring.versions }, linguacodusScript);
      const result = await runTask(await builtinTask(), { mode: "linguacodus", models: { default: "openai:scripted" }, seed: 3 }, { ...deps, outDir: tempDir("lc-deep-run-") });
      const coder = deps.model.calls.find((call) => callKind(call).startsWith("coder:"));
      expect(coder?.promptText).toContain("torch 2.13.0+cpu");
      expect(coder?.promptText).toContain("opencv-python-headless 4.11.0.86 (import cv2)");
      expect(result.run.versions.sandbox).toBe(`${tag} (profile deep, python 3.11.2)`);
    } finally {
      await wiring.close();
    }
  }, 900_000);
});

// The CUDA variant cannot be built usefully without a GPU; what this machine can check is that pip resolves its
// pinned list (and the nvidia-* wheels it pulls) for the image's Python and glibc.
describe.skipIf(!enabled)("deep CUDA variant (opt-in)", () => {
  it("resolves the CUDA variant's wheels on PyPI for the image's Python and glibc (no GPU here: pip's dry run, no build)", async () => {
    const recipe = deepRecipe({ cuda: true });
    const dir = tempDir("lc-deep-cuda-");
    writeFileSync(join(dir, "constraints.txt"), recipe.constraints.join("\n"));
    const report = join(dir, "report.json");
    const pip = spawnSync(
      "python3",
      ["-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet", "--report", report, "--target", join(dir, "t"), "--only-binary=:all:", ...deepWheelTarget(), "-c", join(dir, "constraints.txt"), ...recipe.packages],
      { encoding: "utf8", timeout: 600_000 },
    );
    expect(pip.status, pip.stderr.split("\n").filter((l) => !l.startsWith("WARNING")).join("\n")).toBe(0);
    const names = (JSON.parse(readFileSync(report, "utf8")) as { install: { metadata: { name: string; version: string } }[] }).install.map((i) => `${i.metadata.name.toLowerCase()} ${i.metadata.version}`);
    expect(names).toContain("torch 2.13.0");
    expect(names).toContain("torchvision 0.28.0");
    expect(names.some((n) => n.startsWith("nvidia-cudnn-cu13 "))).toBe(true);
    expect(names.some((n) => n.startsWith("nvidia-nccl-cu13 "))).toBe(true);
  }, 900_000);
});
