// One place decides how a failure reaches the user: a one-line reason on stderr and a non-zero exit code.

/** A failure the user can fix; `message` says what is wrong and how to fix it. */
export class UserFacingError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = "UserFacingError";
  }
}

/** Prints the reason of a failure and returns the exit code to use. */
export function reportFailure(error: unknown): number {
  if (error instanceof UserFacingError) {
    process.stderr.write(`linguacodus: ${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`linguacodus: ${message.split("\n")[0]}\n`);
  if (process.env.LINGUACODUS_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return 1;
}
