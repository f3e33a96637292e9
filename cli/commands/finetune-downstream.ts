// `finetune eval --coder`: the downstream bench (the same coder, the planner varied) as a child `linguacodus bench`,
// and its summary on stdout.
import { join } from "node:path";
import { UserFacingError } from "../failure.js";

type Finetune = typeof import("../../finetune/index.js");

/** The downstream bench as a child `linguacodus bench` (its own progress, Ctrl-C and resume), then its report. */
export async function runDownstream(ft: Finetune, bench: Omit<import("../../finetune/index.js").DownstreamBenchInput, "resume">) {
  const { spawn } = await import("node:child_process");
  const { existsSync } = await import("node:fs");
  const { writeReportFolder, BENCH_FILES, shellQuote } = await import("../../benchmarks/index.js");
  const resume = existsSync(join(bench.out, BENCH_FILES.manifest));
  const args = ft.downstreamBenchArgs({ ...bench, resume });
  process.stderr.write(`downstream${resume ? " (resuming)" : ""}: linguacodus ${args.map(shellQuote).join(" ")}\n`);
  // The same entry point and loader flags as this process (tsx in development, the built CLI otherwise).
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, ...args], { stdio: ["ignore", "inherit", "inherit"] });
  // Ctrl-C reaches the child through the terminal's process group (the bench stops gracefully, then we report
  // the error); a SIGTERM sent to this process alone is passed on so the bench never outlives the eval.
  const onInterrupt = () => undefined;
  const onTerminate = () => child.kill("SIGTERM");
  process.on("SIGINT", onInterrupt);
  process.on("SIGTERM", onTerminate);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done, fail) => {
    child.once("exit", (c, s) => done([c, s]));
    child.once("error", fail);
  }).finally(() => {
    process.off("SIGINT", onInterrupt);
    process.off("SIGTERM", onTerminate);
  });
  if (code !== 0) throw new UserFacingError(`the downstream bench failed (exit ${code ?? signal}); run the eval again to resume it`);
  const { report, written } = await writeReportFolder(bench.out, ft.DOWNSTREAM_COMPARISONS);
  process.stderr.write(`downstream report: ${written.dir}\n`);
  return ft.downstreamSummary(report);
}

export function printDownstream(summary: import("../../finetune/index.js").DownstreamSummary): void {
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
  process.stdout.write("downstream (same coder, planner varied):\n");
  for (const c of summary.cells)
    process.stdout.write(
      `  ${c.column.padEnd(18)} ${c.mode.padEnd(14)} valid ${pct(c.validRate).padStart(4)} of ${c.finished}/${c.runs} finished, ` +
        `mean normalised ${c.meanNormalised === null ? "— (no reference scores)" : c.meanNormalised.toFixed(3)}\n`,
    );
  for (const c of summary.comparisons)
    process.stdout.write(`  ${c.a} vs ${c.b} (${c.within}): ${c.wins}/${c.ties}/${c.losses} over ${c.pairs} pairs, Δ ${c.meanDifference.toFixed(3)} — ${c.conclusion}\n`);
}
