// The run's progress line: the call in flight (tokens so far, tokens/s) shares the line with the stage; a non-terminal
// output gets a line per long call (throttled) besides one per finished stage.
import { describe, expect, it } from "vitest";
import { ProgressLine, formatProgress } from "../../cli/progress.js";

function sink(isTTY: boolean) {
  const written: string[] = [];
  return { written, out: { isTTY, write: (text: string) => written.push(text) } };
}

describe("progress line", () => {
  it("shows the call in flight on the stage's line, and drops it when the call ends", () => {
    expect(formatProgress({ stage: "coder:model", call: { role: "coder", step: "model-block", outputTokens: 212, tokensPerSecond: 7.94 }, elapsedMs: 65_000, tokens: 4000 })).toBe(
      "coder:model · model-block 212 tok 7.9 tok/s  1m5s  4000 tokens",
    );
    expect(formatProgress({ stage: "merger", elapsedMs: 500, tokens: 0 })).toBe("merger  500ms  0 tokens");
  });

  it("without a terminal, writes a line for a long call at most once per interval", () => {
    const { written, out } = sink(false);
    const line = new ProgressLine(false, out, 60_000);
    line.stage("planner");
    line.callProgress({ role: "planner", step: "instruction-1", outputTokens: 10, tokensPerSecond: 5 });
    line.callProgress({ role: "planner", step: "instruction-1", outputTokens: 20, tokensPerSecond: 5 });
    line.stop();
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^ {2}… planner · instruction-1 10 tok 5\.0 tok\/s/);
  });

  it("stays silent with --json", () => {
    const { written, out } = sink(false);
    const line = new ProgressLine(true, out, 0);
    line.callProgress({ role: "planner", outputTokens: 10, tokensPerSecond: 5 });
    line.log("✓ planner");
    expect(written).toEqual([]);
  });
});
