// Reference scores for the CLI: the baselines of tasks run in the Docker sandbox and recorded in task.json,
// shared by `tasks prepare`, `tasks references`, `run` and `bench` (built-in tasks they prepare get them too).

/**
 * Runs the two baselines of each task in the Docker sandbox and records their graded scores in task.json
 * (the library's recordReferenceScores). Without a usable sandbox the tasks stay prepared and the reason is
 * printed (rerun prepare after 'linguacodus sandbox build').
 */
export async function referenceScoresInSandbox(
  tasks: import("../../datasets/index.js").Task[],
  timeoutSeconds: number,
  log: (line: string) => void,
): Promise<Record<string, unknown>> {
  const { recordReferenceScores, runPythonInSandbox } = await import("../../datasets/index.js");
  const { createDockerSandbox, dockerClient } = await import("../../sandbox/index.js");
  let sandbox;
  try {
    sandbox = await createDockerSandbox({ docker: dockerClient(), reuse: false, limits: { memoryBytes: 8 * 1024 ** 3 } });
  } catch (error) {
    log(`reference scores skipped: ${(error as Error).message}; then run 'linguacodus tasks prepare' again (or pass --no-baselines)`);
    return { skipped: (error as Error).message };
  }
  // Ctrl-C: stop the sandbox's containers before leaving (prepared tasks are already complete on disk).
  const onInterrupt = () => {
    void sandbox.close().finally(() => process.exit(130));
  };
  process.once("SIGINT", onInterrupt);
  try {
    return await recordReferenceScores(tasks, runPythonInSandbox(sandbox, timeoutSeconds), { log });
  } finally {
    process.removeListener("SIGINT", onInterrupt);
    await sandbox.close();
  }
}

/**
 * Records the reference scores of the built-in tasks among `tasks` that have none (as `tasks prepare` does);
 * task folders of the user's are left alone (`tasks references` computes theirs on request).
 */
export async function referencesForBuiltins(tasks: import("../../datasets/index.js").Task[], tasksDir: string, log: (line: string) => void): Promise<void> {
  const { findBuiltinTask, loadTask } = await import("../../datasets/index.js");
  const { resolve, join } = await import("node:path");
  const builtin = (t: import("../../datasets/index.js").Task) => findBuiltinTask(t.spec.id) !== undefined && resolve(t.dir) === resolve(join(tasksDir, t.spec.id));
  const lacking = tasks.filter((t) => !t.spec.reference_scores && builtin(t));
  if (lacking.length === 0) return;
  log(`recording the reference scores of ${lacking.map((t) => t.spec.id).join(", ")} (constant and standard-model baselines in the sandbox, as 'tasks prepare' does)`);
  await referenceScoresInSandbox(await Promise.all(lacking.map((t) => loadTask(t.dir))), 1800, log);
}
