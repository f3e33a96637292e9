// The image's own list of what it holds; the coder prompt names these libraries (the whitelist).
import type Docker from "dockerode";
import { z } from "zod";
import { MANIFEST_LABEL, MANIFEST_PATH } from "./image-recipe.js";

export const ImageManifestSchema = z.object({
  schema: z.literal(1),
  recipeHash: z.string(),
  python: z.string(),
  os: z.string(),
  libraries: z.array(z.object({ distribution: z.string(), importName: z.string(), version: z.string() })),
  pythonDistributions: z.record(z.string(), z.string()),
  debianPackages: z.record(z.string(), z.string()),
});
export type ImageManifest = z.infer<typeof ImageManifestSchema>;

/** Parses manifest JSON text; the error names where it came from. */
export function parseManifest(text: string, source: string): ImageManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: the sandbox image manifest is not JSON (${(error as Error).message}); rebuild with 'linguacodus sandbox build'`);
  }
  const parsed = ImageManifestSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`${source}: the sandbox image manifest is malformed (${z.prettifyError(parsed.error)}); rebuild with 'linguacodus sandbox build'`);
  }
  return parsed.data;
}

/**
 * Reads the manifest of an image: from its label when the offline build put it there, otherwise
 * from the file inside the image (a throwaway container with no network prints it).
 */
export async function readImageManifest(docker: Docker, tag: string): Promise<ImageManifest> {
  const info = await docker.getImage(tag).inspect();
  const label = info.Config?.Labels?.[MANIFEST_LABEL];
  if (label) return parseManifest(Buffer.from(label, "base64").toString("utf8"), `label ${MANIFEST_LABEL} of ${tag}`);
  const container = await docker.createContainer({
    Image: tag,
    Cmd: ["cat", MANIFEST_PATH],
    NetworkDisabled: true,
    HostConfig: { NetworkMode: "none", AutoRemove: false },
  });
  try {
    await container.start();
    await container.wait();
    const logs = await container.logs({ stdout: true, stderr: false, follow: false });
    // Non-TTY logs come framed (8-byte headers per chunk); strip them.
    return parseManifest(stripFrames(logs), `${MANIFEST_PATH} in ${tag}`);
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

/** Removes Docker's multiplexing headers from a non-TTY log buffer (stdout frames only kept). */
export function stripFrames(buffer: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const stream = buffer[offset];
    const size = buffer.readUInt32BE(offset + 4);
    if (stream === 1) parts.push(buffer.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(parts).toString("utf8");
}

/** One line per whitelisted library, e.g. "numpy 1.24.2", for the coder prompt. */
export function whitelistLines(manifest: ImageManifest): string[] {
  return manifest.libraries.map((lib) =>
    lib.importName === lib.distribution ? `${lib.distribution} ${lib.version}` : `${lib.distribution} ${lib.version} (import ${lib.importName})`,
  );
}
