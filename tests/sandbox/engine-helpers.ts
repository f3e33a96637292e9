// Shared by the sandbox tests: the real engine and the real image (built once, then cached).
import { defaultPaths } from "../../cli/paths.js";
import { buildImageOffline, dockerClient, imageExists, SANDBOX_IMAGE_TAG, SANDBOX_OWNER_LABEL } from "../../sandbox/index.js";

export const docker = dockerClient();

/** Builds the image offline if it is missing (the rootfs tarball is cached, so this is slow only once). */
export async function ensureSandboxImage(): Promise<string> {
  if (!(await imageExists(docker, SANDBOX_IMAGE_TAG))) {
    await buildImageOffline({ docker, cacheDir: defaultPaths().sandboxCache, log: (line) => process.stderr.write(`[sandbox build] ${line}\n`) });
  }
  return SANDBOX_IMAGE_TAG;
}

/** Containers of one sandbox instance that still exist (running or not); the tests check that killed ones are gone. */
export async function sandboxContainerIds(sandbox: { instanceId: string }): Promise<string[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [`${SANDBOX_OWNER_LABEL}=${sandbox.instanceId}`] } });
  return list.map((c) => c.Id);
}
