// Finds the Docker engine and says plainly what to do when there is none.
import Docker from "dockerode";

export const DEFAULT_DOCKER_SOCKET = "/var/run/docker.sock";

/** No engine answered; the message names where we looked and the fix. */
export class NoDockerEngineError extends Error {
  constructor(
    readonly where: string,
    override readonly cause: unknown,
  ) {
    super(
      `no Docker engine at ${where}: install docker.io and start dockerd, or set DOCKER_HOST` +
        (cause instanceof Error ? ` (${cause.message})` : ""),
    );
    this.name = "NoDockerEngineError";
  }
}

/** Where dockerode will connect: DOCKER_HOST when set, else the default socket. */
export function engineAddress(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_HOST && env.DOCKER_HOST.length > 0 ? env.DOCKER_HOST : DEFAULT_DOCKER_SOCKET;
}

/** A client for the engine named by DOCKER_HOST (dockerode reads it) or the default socket. */
export function dockerClient(env: NodeJS.ProcessEnv = process.env): Docker {
  return env.DOCKER_HOST ? new Docker() : new Docker({ socketPath: DEFAULT_DOCKER_SOCKET });
}

/** Pings the engine; throws {@link NoDockerEngineError} when it does not answer. */
export async function requireEngine(docker: Docker, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    await docker.ping();
  } catch (error) {
    throw new NoDockerEngineError(engineAddress(env), error);
  }
}

/** True when an image with this tag exists locally. */
export async function imageExists(docker: Docker, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

export function isNotFound(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { statusCode?: number }).statusCode === 404;
}
