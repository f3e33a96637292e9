// sandbox/: runs generated Python. The Docker backend (isolated, pooled, pre-warmed) is the real one;
// the local runner exists only behind an explicit flag. Also builds and describes the executor image.
export * from "./types.js";
export { SANDBOX_SCRIPT_PATH, PRELOAD_MODULES, forkServerCommand } from "./fork-server.js";
export { checkSandbox, ISOLATION_PROBE, type SandboxCheck, type SandboxCheckOptions } from "./check.js";
export { sandboxAsset, sandboxAssetPath } from "./assets.js";
export { DEFAULT_DOCKER_SOCKET, NoDockerEngineError, dockerClient, engineAddress, imageExists, requireEngine } from "./engine.js";
export {
  IMAGE_REPOSITORY,
  MANIFEST_PATH,
  SANDBOX_IMAGE_TAG,
  WHITELIST_LIBRARIES,
  FORK_SERVER_IMAGE_PATH,
  baseImageTag,
  recipeHash,
  rootfsHash,
  renderDockerfile,
} from "./image-recipe.js";
export { ImageManifestSchema, parseManifest, readImageManifest, whitelistLines, type ImageManifest } from "./image-manifest.js";
export {
  buildImageFromDockerfile,
  buildImageOffline,
  cachedRootfsSize,
  detectDebianMirror,
  type ImageBuildOptions,
  type ImageBuildResult,
} from "./image-build.js";
export {
  DockerSandbox,
  SandboxRequestError,
  checkPublicDir,
  createDockerSandbox,
  toResult,
  type DockerSandboxOptions,
} from "./docker-sandbox.js";
export { LOCAL_SANDBOX_WARNING, LocalSandbox, OutputCapture, mapSandboxPaths, type LocalSandboxOptions } from "./local-sandbox.js";
export { parsePythonError } from "./traceback.js";
export { classifyLine, containerOptions, SANDBOX_CONTAINER_LABEL, SANDBOX_OWNER_LABEL, SERVER_CAPABILITIES } from "./warm-container.js";
export {
  OWNER_BOOT_LABEL,
  OWNER_HOST_LABEL,
  OWNER_PID_LABEL,
  OWNER_PIDNS_LABEL,
  OWNER_START_LABEL,
  currentOwner,
  ownerLabels,
  ownerState,
  processStartTicks,
  type OwnerIdentity,
} from "./owner.js";
export { DEFAULT_POOL_OPTIONS, type PoolOptions } from "./pool.js";
export { ensurePythonLayerImage, pythonLayerTag, wheelPlatformArgs, PYTHON_LAYER_DIR, type PythonLayerOptions } from "./python-layer.js";
export { SANDBOX_CPUS_ENV, THREAD_ENV_NAMES, sandboxCores, threadEnv } from "./threads.js";
export {
  DEEP_CONSTRAINTS,
  DEEP_PIP_PACKAGES,
  DEEP_TORCH,
  TORCHVISION_CPU_SHIM,
  DEEP_WHITELIST_EXTRAS,
  SANDBOX_PROFILES,
  buildCommandOf,
  deepRecipe,
  renderDeepDockerfile,
  sandboxImageTag,
  type DeepRecipe,
  type DeepRecipeOptions,
  type DeepVariant,
  type SandboxProfile,
} from "./image-profiles.js";
export { buildDeepImage, deepWheelTarget, ensureWheelCache, type DeepBuildOptions } from "./deep-build.js";
