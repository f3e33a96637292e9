// `linguacodus view <run-dir | bench-dir | folder of runs>`: a local, read-only web viewer over run records (live
// while a run or bench is still writing), or with --export one self-contained HTML file of the same pages.
import { spawn } from "node:child_process";
import type { Command } from "commander";
import { z } from "zod";
import { UserFacingError } from "../failure.js";

const ViewFlagsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string().min(1),
  open: z.boolean().optional(),
  export: z.string().min(1).optional(),
  poll: z.coerce.number().int().min(50).max(60_000),
});
type ViewFlags = z.input<typeof ViewFlagsSchema>;

/** Opens the URL in the desktop's browser when there is one; a failure only means the user opens it. */
function openBrowser(url: string): void {
  const command = process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer" : "xdg-open";
  const child = spawn(command, [url], { stdio: "ignore", detached: true });
  child.on("error", () => process.stderr.write(`(could not start ${command}: open ${url} yourself)\n`));
  child.unref();
}

async function viewAction(dir: string, raw: ViewFlags): Promise<void> {
  const parsed = ViewFlagsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserFacingError(`--${issue?.path.join(".") ?? "?"}: ${issue?.message ?? "invalid"}`);
  }
  const flags = parsed.data;
  const viewer = await import("../../viewer/index.js");
  try {
    if (flags.export) {
      const result = await viewer.exportViewer({ folder: dir, file: flags.export });
      process.stdout.write(`${result.file}\n`);
      process.stderr.write(`exported ${result.runs} run(s) and ${result.calls} model call(s) into one file (${(result.bytes / 1024 / 1024).toFixed(1)} MB)\n`);
      return;
    }
    const server = await viewer.startViewer({ folder: dir, host: flags.host, port: flags.port, pollMs: flags.poll });
    process.stdout.write(`${server.url}\n`);
    process.stderr.write(`viewing ${server.source.root} (${server.source.kind}); read only, pages update as the records grow. Ctrl-C stops.\n`);
    if (flags.open) openBrowser(server.url);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        void server.close().then(resolve);
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === "EADDRINUSE") throw new UserFacingError(`port ${flags.port} on ${flags.host} is in use: choose another with --port N (0 picks a free one)`);
    if (error instanceof viewer.NotFoundError || /web bundle is missing/.test(e.message)) throw new UserFacingError(e.message);
    throw error;
  }
}

export function registerView(program: Command): void {
  program
    .command("view")
    .description("Local web viewer of runs, benches and every agent call (read only; live while records are written)")
    .argument("<dir>", "a run folder, a folder of run folders, or a bench folder")
    .option("--port <n>", "port to listen on (0 picks a free one)", "7420")
    .option("--host <address>", "address to bind (loopback unless you say otherwise)", "127.0.0.1")
    .option("--open", "open the page in the desktop's browser")
    .option("--export <file.html>", "write one self-contained HTML file of the same pages instead of serving")
    .option("--poll <ms>", "how often the server looks for changes in the records", "500")
    .action(viewAction);
}
