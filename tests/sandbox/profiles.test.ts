// Sandbox profiles without building: the deep recipe's Dockerfile and tag, the flag's check, and the message a
// run gets when the profile's image is missing (the real Docker engine answers that the tag does not exist).
import { beforeAll, describe, expect, it } from "vitest";
import { requireProfileImage } from "../../execution/index.js";
import { DEEP_PIP_PACKAGES, DEEP_TORCH_INDEX_EXTRAS, SANDBOX_IMAGE_TAG, deepRecipe, dockerClient, renderDeepDockerfile, sandboxImageTag } from "../../sandbox/index.js";
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

  it("tags the deep image apart from the default one, by its recipe", () => {
    expect(sandboxImageTag("default")).toBe(SANDBOX_IMAGE_TAG);
    expect(sandboxImageTag("deep")).toMatch(/^linguacodus-sandbox:deep-[0-9a-f]{12}$/);
    expect(sandboxImageTag("deep")).not.toBe(SANDBOX_IMAGE_TAG);
    const withIndex = deepRecipe({ torchIndexUrl: "https://download.pytorch.org/whl/cpu" });
    expect(withIndex.tag).not.toBe(deepRecipe().tag);
    for (const extra of DEEP_TORCH_INDEX_EXTRAS) expect(renderDeepDockerfile(withIndex)).toContain(extra);
    expect(deepRecipe({}, "linguacodus-sandbox:other").tag).not.toBe(deepRecipe().tag);
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
  }, 60_000);

  it("says how to build the profile's image when it is missing", async () => {
    await ensureSandboxImage();
    const docker = dockerClient();
    await expect(requireProfileImage({ docker, profile: "deep", tag: "linguacodus-sandbox:deep-000000000000" })).rejects.toThrow(
      "the deep sandbox image linguacodus-sandbox:deep-000000000000 is missing: build it with 'linguacodus sandbox build --offline --profile deep'",
    );
    // The default profile's image exists (the suite builds it), so the same call returns its tag.
    await expect(requireProfileImage({ docker, profile: "default" })).resolves.toBe(SANDBOX_IMAGE_TAG);
  }, 600_000);
});
