import { describe, expect, it } from "vitest";
import {
  BenchInputError,
  expandMatrix,
  parseModelColumn,
  parseModes,
  parseTemperatures,
  specForRole,
  withOverrides,
} from "../../benchmarks/matrix.js";
import { ABLATION_NAMES, DEFAULT_MODE_FLAGS, MODE_NAMES, MODE_TABLE, flagsOf } from "../../benchmarks/modes.js";
import { RunOptionsSchema } from "../../execution/index.js";

const tasks = [
  { id: "iris", dir: "/t/iris" },
  { id: "mtcars", dir: "/t/mtcars" },
];
const model = parseModelColumn("replay:/runs/a");

describe("modes", () => {
  it("ablations are single-flag changes over the full pipeline", () => {
    expect(flagsOf("linguacodus")).toEqual(DEFAULT_MODE_FLAGS);
    expect(flagsOf("direct").mode).toBe("direct");
    expect(flagsOf("no-fix")).toEqual({ ...DEFAULT_MODE_FLAGS, fixAttempts: 0 });
    expect(flagsOf("single-instruction").instructions).toBe(1);
    expect(flagsOf("no-critic").noCritic).toBe(true);
    expect([flagsOf("select-first").select, flagsOf("select-validation").select, flagsOf("linguacodus").select]).toEqual(["first", "validation", undefined]);
    expect([flagsOf("critic-paper").criticStyle, flagsOf("linguacodus").criticStyle]).toEqual(["paper", undefined]);
    expect(flagsOf("unstaged").unstaged).toBe(true);
    expect(flagsOf("no-schema").noSchema).toBe(true);
    expect(flagsOf("feedback").feedbackIterations).toBeGreaterThan(0);
    expect(flagsOf("paper-planner").plannerPrompt).toBe("paper");
    expect(ABLATION_NAMES).toEqual(["no-critic", "select-first", "select-validation", "critic-paper", "single-instruction", "unstaged", "no-fix", "no-schema", "feedback"]);
    for (const name of ABLATION_NAMES) expect(MODE_TABLE[name].description.length).toBeGreaterThan(5);
  });
  it("a mode's flags are the run options' defaults under its own, and the ids of earlier benches stay as they were", () => {
    const defaults = RunOptionsSchema.parse({});
    for (const [key, value] of Object.entries(DEFAULT_MODE_FLAGS)) expect(defaults[key as keyof typeof defaults]).toEqual(value);
    // Ids computed by the version before mode flags were derived from the run options (resume finds them).
    const keys = expandMatrix({ tasks: [{ id: "iris", dir: "/t/iris" }], modes: MODE_NAMES, models: [parseModelColumn("label=m;all=openai:gpt-4o-mini;coder=gguf:/m/coder.gguf")], temperatures: [0.3], repeats: 1, baseSeed: 7 });
    expect(keys.map((k) => k.id)).toEqual([
      "iris__linguacodus__m__t0.3__s7__f447a61c",
      "iris__direct__m__t0.3__s7__9b61c58d",
      "iris__no-critic__m__t0.3__s7__77799b96",
      // Added later; their select is off the default, so only their ids include it.
      "iris__select-first__m__t0.3__s7__867e956b",
      "iris__select-validation__m__t0.3__s7__da66eedc",
      "iris__critic-paper__m__t0.3__s7__b97a0eac",
      "iris__single-instruction__m__t0.3__s7__e682efbd",
      "iris__unstaged__m__t0.3__s7__a6592641",
      "iris__no-fix__m__t0.3__s7__ae9301fd",
      "iris__no-schema__m__t0.3__s7__82b88f9f",
      "iris__feedback__m__t0.3__s7__025565ab",
      // Search modes (issue 20): new ids; the modes above keep theirs.
      "iris__search-greedy__m__t0.3__s7__36cc4a83",
      "iris__search-instructed__m__t0.3__s7__fcd6b841",
      "iris__search-mcts__m__t0.3__s7__26d001ef",
      // Added later; its plannerPrompt is off the default, so only this id includes it.
      "iris__paper-planner__m__t0.3__s7__aa07b159",
    ]);
  });
  it("parses modes and ablations, rejecting unknown names with the list of known ones", () => {
    expect(parseModes(["linguacodus", "direct"], ["no-fix"])).toEqual(["linguacodus", "direct", "no-fix"]);
    expect(parseModes(["linguacodus"], ["all"])).toEqual(["linguacodus", ...ABLATION_NAMES]);
    expect(parseModes(["direct", "direct"])).toEqual(["direct"]);
    expect(() => parseModes(["linguacodus", "nocritic"])).toThrow(/unknown mode 'nocritic' \(known: linguacodus, direct, no-critic/);
    expect(() => parseModes([])).toThrow(BenchInputError);
  });
});

describe("model columns", () => {
  it("a plain spec sets every role", () => {
    expect(model).toEqual({ label: "replay:a", all: "replay:/runs/a", overrides: {} });
    expect(parseModelColumn("gguf:/models/qwen2.5-coder-1.5b.gguf").label).toBe("gguf:qwen2.5-coder-1.5b");
    expect(parseModelColumn("openai:gpt-4o@http://localhost:8000/v1").label).toBe("openai:gpt-4o");
  });
  it("per-role overrides and a label", () => {
    const column = parseModelColumn("label=mix;all=openai:gpt-4o-mini;planner=gguf:/m/planner.gguf");
    expect(column.label).toBe("mix");
    expect(specForRole(column, "planner")).toBe("gguf:/m/planner.gguf");
    expect(specForRole(column, "coder")).toBe("openai:gpt-4o-mini");
    expect(specForRole(withOverrides(column, { coder: "gemini:gemini-2.0-flash" }), "coder")).toBe("gemini:gemini-2.0-flash");
  });
  it("rejects bad specs and roles with the reason", () => {
    expect(() => parseModelColumn("gpt-4o")).toThrow(/Invalid model spec "gpt-4o": no provider prefix. Valid forms:/);
    expect(() => parseModelColumn("openai:")).toThrow(/model name is empty/);
    expect(() => parseModelColumn("all=openai:x;painter=openai:y")).toThrow(/unknown role 'painter'/);
    expect(() => parseModelColumn("planner=openai:x")).toThrow(/give 'all=SPEC'/);
  });
});

describe("temperatures", () => {
  it("parses lists and ranges, rejecting out-of-range values", () => {
    expect(parseTemperatures("0,0.5,1")).toEqual([0, 0.5, 1]);
    expect(parseTemperatures("0:1:0.2")).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(() => parseTemperatures("0,hot")).toThrow(/'hot' is not a number/);
    expect(() => parseTemperatures("3")).toThrow(/outside \[0, 2\]/);
    expect(() => parseTemperatures("1:0:0.1")).toThrow(/bad range/);
  });
});

describe("expandMatrix", () => {
  const request = { tasks, modes: parseModes(["linguacodus", "direct"]), models: [model], temperatures: [], repeats: 2, baseSeed: 10 };
  it("crosses tasks × modes × models × temperatures × repeats with distinct seeds per repeat", () => {
    const keys = expandMatrix(request);
    expect(keys).toHaveLength(2 * 2 * 2);
    expect(new Set(keys.map((k) => k.id)).size).toBe(8);
    expect([...new Set(keys.map((k) => k.seed))]).toEqual([10, 11]);
    // both modes of one task and repeat share the seed, so they pair
    const pair = keys.filter((k) => k.task.id === "iris" && k.repeat === 1);
    expect(pair.map((k) => [k.mode, k.seed])).toEqual([["linguacodus", 11], ["direct", 11]]);
    expect(keys.every((k) => k.temperature === null)).toBe(true);
    const swept = expandMatrix({ ...request, temperatures: [0, 0.7], repeats: 1 });
    expect(swept).toHaveLength(2 * 2 * 2);
    expect(swept.filter((k) => k.temperature === 0.7)).toHaveLength(4);
  });
  it("gives the same ids for the same request (resume finds its runs) and different ids when a run differs", () => {
    const a = expandMatrix(request).map((k) => k.id);
    const b = expandMatrix({ ...request, tasks: [...tasks] }).map((k) => k.id);
    expect(b).toEqual(a);
    const otherModel = expandMatrix({ ...request, models: [parseModelColumn("label=replay:a;all=replay:/runs/b")] }).map((k) => k.id);
    expect(otherModel.filter((id) => a.includes(id))).toEqual([]);
    expect(a[0]).toMatch(/^iris__linguacodus__replay-a__tdef__s10__[0-9a-f]{8}$/);
  });
  it("validates up front", () => {
    expect(() => expandMatrix({ ...request, repeats: 0 })).toThrow(/--repeats must be a whole number ≥ 1/);
    expect(() => expandMatrix({ ...request, tasks: [] })).toThrow(/no tasks/);
    expect(() => expandMatrix({ ...request, tasks: [tasks[0]!, tasks[0]!] })).toThrow(/task 'iris' is given twice/);
    expect(() => expandMatrix({ ...request, models: [model, model] })).toThrow(/share the label/);
  });
});
