// Which stage a call served when stage windows meet at one millisecond: on a fast machine the merger stage can end,
// the execute stage start and the merge call start in the same millisecond (the viewer's http test met it on a
// fresh machine); the call's step decides among the windows that hold its start.
import { describe, expect, it } from "vitest";
import type { RunEvent, TranscriptEntry } from "../../execution/index.js";
import { stageOfCall, stageTimeline } from "../../viewer/index.js";

const ts = "2026-12-05T23:00:00.000Z";
const events = [
  { type: "stage.started", stage: "merger", ts, elapsedMs: 0 },
  { type: "stage.finished", stage: "merger", ok: true, durationMs: 0, ts, elapsedMs: 0 },
  { type: "stage.started", stage: "execute", ts, elapsedMs: 0 },
] as RunEvent[];
const call = (role: string, step: string) => ({ role, step, startedAt: ts, tokens: { input: 1, output: 1 } }) as unknown as TranscriptEntry;

describe("stage of a call at a shared millisecond", () => {
  it("the merge call served the merger stage, the fix call the execute stage", () => {
    expect(stageOfCall(events, call("merger", "merge"))).toBe("merger");
    expect(stageOfCall(events, call("fixer", "fix-1"))).toBe("execute");
    const rows = stageTimeline(events, [call("merger", "merge"), call("fixer", "fix-1")]);
    expect(rows.map((r) => [r.stage, r.calls])).toEqual([
      ["merger", 1],
      ["execute", 1],
    ]);
  });
});
