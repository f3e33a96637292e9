// Figures copied out of the real Docker sandbox per attempt: the PNG and SVG files a script saved (subfolders
// included, bounded), capped in count and bytes, with everything left out named; hostile entries (a symlink to a
// host file, a FIFO, a text file named .png, a huge file) never become figures. Then through a whole run: the
// attempt's result.json lists the figures and exec/<n>/figures/ holds them.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ATTEMPT_FILES, DEFAULT_FIGURE_LIMITS, copyFigures, readAttempts, runTask } from "../../execution/index.js";
import { fence } from "../support/fence.js";
import { CONSTANT_SUBMISSION, callKind, sandboxSuite, scriptedDeps } from "./support.js";

const suite = sandboxSuite();

/** A matplotlib figure, an SVG in a subfolder, and every kind of entry that must not become a figure. */
const HOSTILE_FIGURES = `import os, matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(4, 3), dpi=50)
ax.plot([1, 2, 3], [3, 1, 2])
fig.savefig("plot.png")
os.makedirs("plots/deeper/still/too", exist_ok=True)
fig.savefig("plots/curve.svg")
fig.savefig("plots/deeper/still/too/deep.png")
for i in range(6):
    fig.savefig(f"many-{i}.png")
open("fake.png", "w").write("not a png at all")
open("notes.svg", "w").write("just text")
os.symlink("/etc/passwd", "link.png")
os.mkfifo("pipe.png")
with open("huge.png", "wb") as f:
    f.write(b"\\x89PNG\\r\\n\\x1a\\n" + b"\\0" * (3 * 1024 * 1024))
open("data.csv", "w").write("a,b\\n1,2\\n")
print("done")
`;

describe("figures from the real Docker sandbox", () => {
  it("copies the PNG and SVG figures, capped, and names every entry left out with its reason", async () => {
    const out = suite.dir("lc-figures-");
    const workspaceDir = join(out, "exec", "001", ATTEMPT_FILES.workspace);
    const result = await suite.sandbox().run({ script: HOSTILE_FIGURES, timeoutSeconds: 120, outputDir: workspaceDir });
    expect(result.outcome, result.stderr).toBe("ok");
    const figuresDir = join(out, "exec", "001", ATTEMPT_FILES.figures);
    const figures = copyFigures({
      files: result.files,
      skippedFiles: result.skippedFiles,
      workspaceDir,
      figuresDir,
      relativeTo: out,
      limits: { maxFigures: 5, maxFigureBytes: 2 * 1024 ** 2, maxTotalBytes: 8 * 1024 ** 2, maxDepth: 2 },
    });
    expect(figures).toBeDefined();
    // Sorted by name: the first five real figures are taken.
    expect(figures!.files.map((f) => [f.name, f.format])).toEqual([
      ["many-0.png", "png"],
      ["many-1.png", "png"],
      ["many-2.png", "png"],
      ["many-3.png", "png"],
      ["many-4.png", "png"],
    ]);
    const first = figures!.files[0]!;
    expect(first).toMatchObject({ path: join("exec", "001", "figures", "many-0.png"), width: 200, height: 150 });
    expect(readFileSync(join(out, first.path)).subarray(1, 4).toString()).toBe("PNG");
    const reasons = Object.fromEntries(figures!.skipped.map((s) => [s.name, s.reason]));
    expect(reasons["link.png"]).toMatch(/not collected from the sandbox: a symbolic link/);
    expect(reasons["pipe.png"]).toMatch(/not collected from the sandbox: not a regular file/);
    expect(reasons["fake.png"]).toMatch(/not a PNG file/);
    expect(reasons["notes.svg"]).toMatch(/not an SVG file/);
    expect(reasons["huge.png"]).toMatch(/over the 2097152-byte limit per figure/);
    expect(reasons[join("plots", "deeper", "still", "too", "deep.png")]).toMatch(/more than 2 levels below/);
    expect(reasons["many-5.png"]).toMatch(/past the cap of 5 figures/);
    expect(reasons["plot.png"]).toMatch(/past the cap of 5 figures/);
    expect(reasons[join("plots", "curve.svg")]).toMatch(/past the cap/);
    expect(Object.keys(reasons)).not.toContain("data.csv");
    // Only the figures taken are in the figures folder.
    expect(readdirSync(figuresDir).sort()).toEqual(["many-0.png", "many-1.png", "many-2.png", "many-3.png", "many-4.png"]);
  }, 300_000);

  it("a run's attempt lists its figures in result.json and keeps them under exec/<n>/figures/", async () => {
    const script = `import csv, matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
${CONSTANT_SUBMISSION}
plt.figure(figsize=(3, 2), dpi=40)
plt.bar(["a", "b"], [1, 2])
plt.savefig("bars.png")
plt.savefig("bars.svg")
print("VALIDATION_SCORE=12.0")
`;
    const deps = scriptedDeps(suite.sandbox(), (call) => {
      if (callKind(call) === "direct") return fence(script);
      throw new Error(`unexpected call ${callKind(call)}`);
    });
    const result = await runTask(suite.task(), { mode: "direct", models: { default: "openai:scripted" } }, { ...deps, outDir: suite.dir("lc-figures-run-") });
    expect(result.summary.valid).toBe(true);
    const [attempt] = readAttempts(result.dir);
    expect(attempt!.figures?.files.map((f) => [f.name, f.format, f.width, f.height])).toEqual([
      ["bars.png", "png", 120, 80],
      ["bars.svg", "svg", undefined, undefined],
    ]);
    expect(attempt!.figures?.limits).toEqual(DEFAULT_FIGURE_LIMITS);
    for (const figure of attempt!.figures!.files) expect(existsSync(join(result.dir, figure.path))).toBe(true);
  }, 300_000);
});
