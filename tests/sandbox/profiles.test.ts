// Sandbox profiles without building: the deep recipe's Dockerfile and tag (CPU and CUDA variants), the flag's check,
// and the message a run gets when the profile's image is missing (the real Docker engine answers that the tag does
// not exist).
import { beforeAll, describe, expect, it } from "vitest";
import { BenchOptionsSchema, resumedRunOptions, sharedRunOptions } from "../../benchmarks/index.js";
import { RunRecordWriter, parseRunOptions, profileUsesGpus, requireProfileImage } from "../../execution/index.js";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEEP_PIP_PACKAGES, DEEP_TORCH, SANDBOX_IMAGE_TAG, TORCHVISION_CPU_SHIM, buildCommandOf, deepRecipe, dockerClient, renderDeepDockerfile, sandboxImageTag, wheelPlatformArgs } from "../../sandbox/index.js";
import { buildCli, linguacodus } from "../support/cli.js";
import { ensureSandboxImage } from "./engine-helpers.js";

describe("deep profile recipe", () => {
  it("installs every pinned wheel offline from the wheel folder, on the default image", () => {
    const dockerfile = renderDeepDockerfile(deepRecipe());
    expect(dockerfile).toContain(`FROM ${SANDBOX_IMAGE_TAG} AS install`);
    expect(dockerfile).toMatch(/pip3 install .*--no-index --find-links \/tmp\/wheels -c \/tmp\/wheels\/constraints\.txt/);
    for (const pin of DEEP_PIP_PACKAGES) {
      expect(pin).toMatch(/==/);
      expect(dockerfile).toContain(` ${pin}`);
    }
    expect(dockerfile).toContain("torch==2.13.0+cpu");
    // The wheels stay in the first stage: only /usr/local reaches the image.
    expect(dockerfile).toContain("COPY --from=install /usr/local /usr/local");
    // The coders are told the deep libraries: the manifest step names them.
    expect(dockerfile).toContain('"importName":"torch"');
  });

  it("asks pip for every manylinux tag the image's glibc 2.36 runs (pip takes --platform literally)", () => {
    const platforms = wheelPlatformArgs().filter((_, i) => i % 2 === 1);
    expect(wheelPlatformArgs().filter((_, i) => i % 2 === 0).every((flag) => flag === "--platform")).toBe(true);
    // torch is manylinux_2_28; the CUDA variant's nccl is manylinux_2_18 only; none may ask for a newer glibc
    for (const tag of ["manylinux_2_36", "manylinux_2_28", "manylinux_2_18", "manylinux_2_17", "manylinux2014", "manylinux1"]) expect(platforms).toContain(`${tag}_x86_64`);
    expect(platforms).not.toContain("manylinux_2_37_x86_64");
    expect(platforms).not.toContain("linux_x86_64");
  });

  it("tags the deep image apart from the default one, by its recipe", () => {
    expect(sandboxImageTag("default")).toBe(SANDBOX_IMAGE_TAG);
    expect(sandboxImageTag("deep")).toMatch(/^linguacodus-sandbox:deep-[0-9a-f]{12}$/);
    expect(sandboxImageTag("deep")).not.toBe(SANDBOX_IMAGE_TAG);
    expect(deepRecipe({}, "linguacodus-sandbox:other").tag).not.toBe(deepRecipe().tag);
  });

  it("lets PyPI's torchvision and timm import beside the CPU torch through the import hook, and names them to the coders", () => {
    const recipe = deepRecipe();
    expect(recipe.packages).toEqual(expect.arrayContaining(["torch==2.13.0+cpu", "torchvision==0.28.0", "timm==1.0.29"]));
    const dockerfile = renderDeepDockerfile(recipe);
    expect(dockerfile).toContain(`COPY torchvision_cpu.py /usr/local/lib/python3.11/dist-packages/${TORCHVISION_CPU_SHIM.module}.py`);
    expect(dockerfile).toContain(`echo 'import ${TORCHVISION_CPU_SHIM.module}' > /usr/local/lib/python3.11/dist-packages/${TORCHVISION_CPU_SHIM.pth}`);
    // The hook is copied before the manifest step, whose imports of every whitelisted library check it in the build.
    expect(dockerfile.indexOf("torchvision_cpu.py")).toBeLessThan(dockerfile.indexOf("write_manifest.py"));
    for (const name of ["torchvision", "timm"]) expect(dockerfile).toContain(`"importName":"${name}"`);
  });

  it("has a CUDA variant: PyPI's torch (not a +cpu wheel pip's find-links may hold), no import hook, its own tag and build command", () => {
    const cuda = deepRecipe({ cuda: true });
    expect(cuda.variant).toBe("cuda");
    expect(cuda.packages[0]).toBe(DEEP_TORCH.cuda);
    expect(DEEP_TORCH.cuda).toBe("torch===2.13.0");
    expect(cuda.packages.slice(1)).toEqual([...DEEP_PIP_PACKAGES]);
    expect(cuda.tag).toMatch(/^linguacodus-sandbox:deep-cuda-[0-9a-f]{12}$/);
    expect(cuda.tag).toBe(sandboxImageTag("deep", { cuda: true }));
    expect(cuda.tag).not.toBe(sandboxImageTag("deep"));
    const dockerfile = renderDeepDockerfile(cuda);
    expect(dockerfile).toContain(" torch===2.13.0 torchvision==0.28.0 timm==1.0.29 ");
    expect(dockerfile).not.toContain("torchvision_cpu");
    expect(dockerfile).toContain("build: linguacodus sandbox build --offline --profile deep --cuda");
    expect(buildCommandOf("deep", { cuda: true })).toBe("linguacodus sandbox build --offline --profile deep --cuda");
    // A run picks the variant by the host: the deep profile on a host with an NVIDIA GPU gets CUDA and the GPUs.
    expect(profileUsesGpus("deep", [{ name: "NVIDIA A100" }])).toBe(true);
    expect(profileUsesGpus("deep", [])).toBe(false);
    expect(profileUsesGpus("default", [{ name: "NVIDIA A100" }])).toBe(false);
    expect(profileUsesGpus("deep")).toBe(false); // this machine has no GPU
  });
});

describe("the profile as a run option", () => {
  it("is kept by run.json's config and bench.json's shared options; older records read without it; resume refuses another", () => {
    expect(parseRunOptions({ sandboxProfile: "deep" }).sandboxProfile).toBe("deep");
    expect(parseRunOptions({ mode: "direct" }).sandboxProfile).toBeUndefined();
    expect(() => parseRunOptions({ sandboxProfile: "gpu" })).toThrow(/sandboxProfile/);
    const bench = BenchOptionsSchema.parse({ sandboxProfile: "deep", timeoutSeconds: 120 });
    expect(sharedRunOptions(bench)).toMatchObject({ sandboxProfile: "deep", timeoutSeconds: 120 });
    const flag = (name: string) => (name === "sandboxProfile" ? "--sandbox-profile" : name);
    expect(resumedRunOptions(bench, { sandboxProfile: "deep" }, flag).sandboxProfile).toBe("deep");
    expect(() => resumedRunOptions(bench, { sandboxProfile: "default" }, flag)).toThrow(`--sandbox-profile "default" differs from the bench's "deep" in bench.json`);
    expect(() => resumedRunOptions(BenchOptionsSchema.parse({}), { sandboxProfile: "deep" }, flag)).toThrow(`--sandbox-profile "deep" differs from the bench's (not set)`);
  });
});

describe("--sandbox-profile", () => {
  beforeAll(async () => {
    await buildCli();
  }, 300_000);

  it("refuses an unknown profile, naming the choices", async () => {
    const result = await linguacodus(["run", "concrete-strength", "--sandbox-profile", "gpu"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("--sandbox-profile must be one of default, deep (got 'gpu')");
    const build = await linguacodus(["sandbox", "build", "--profile", "huge"]);
    expect(build.code).not.toBe(0);
    expect(build.stderr).toContain("--profile must be one of default, deep (got 'huge')");
    const cuda = await linguacodus(["sandbox", "build", "--cuda"]);
    expect(cuda.code).not.toBe(0);
    expect(cuda.stderr).toContain("--cuda applies to --profile deep only");
  }, 60_000);

  it("run --resume goes on in the profile run.json recorded: another one is refused before anything runs", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "lc-profile-resume-")), "run");
    const writer = RunRecordWriter.create(dir, {
      runId: "r1",
      taskId: "concrete-strength",
      taskDir: dir,
      mode: "direct",
      config: parseRunOptions({ mode: "direct", sandboxProfile: "deep" }),
      versions: { linguacodus: "test", node: process.version },
      models: {},
    });
    writer.finish("failed", { valid: false, reason: "stopped for the test", stage: "execute" });
    const result = await linguacodus(["run", "--resume", dir, "--sandbox-profile", "default"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("--sandbox-profile default differs from the run's deep (run.json config): --resume goes on in the same image; drop the flag");
  }, 60_000);

  it("says how to build the profile's image when it is missing", async () => {
    await ensureSandboxImage();
    const docker = dockerClient();
    await expect(requireProfileImage({ docker, profile: "deep", tag: "linguacodus-sandbox:deep-000000000000" })).rejects.toThrow(
      "the deep sandbox image linguacodus-sandbox:deep-000000000000 is missing: build it with 'linguacodus sandbox build --offline --profile deep'",
    );
    await expect(requireProfileImage({ docker, profile: "deep", cuda: true })).rejects.toThrow(
      `the deep (CUDA) sandbox image ${sandboxImageTag("deep", { cuda: true })} is missing: build it with 'linguacodus sandbox build --offline --profile deep --cuda'`,
    );
    // sandbox export of a profile's image (for bench --slurm-image) names the same fix
    const exported = await linguacodus(["sandbox", "export", join(tmpdir(), "lc-never-written.tar"), "--profile", "deep", "--cuda"]);
    expect(exported.code).not.toBe(0);
    expect(exported.stderr).toContain(`image ${sandboxImageTag("deep", { cuda: true })} does not exist here: build it first with 'linguacodus sandbox build --offline --profile deep --cuda'`);
    // The default profile's image exists (the suite builds it), so the same call returns its tag.
    await expect(requireProfileImage({ docker, profile: "default" })).resolves.toBe(SANDBOX_IMAGE_TAG);
  }, 600_000);
});
