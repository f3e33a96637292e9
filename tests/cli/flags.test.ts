// cli/flags.ts: one parser whose limits and choices are the schema field's, one default (the schema's, shown in
// help), the cross-field rule worded in flag names, and run/bench reading the same option the same way.
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { BENCH_FLAGS, RUN_FLAGS, addRunFlags, completeFlagHelp, flagValue, readRunFlags, wholeNumber } from "../../cli/flags.js";
import { RunOptionsSchema } from "../../execution/index.js";

const parse = (keys: Parameters<typeof addRunFlags>[1], argv: string[]) => {
  const command = addRunFlags(new Command("t").exitOverride(), keys);
  command.parse(argv, { from: "user" });
  return readRunFlags(command.opts(), keys);
};

describe("flagValue: the one parser of a flag's text", () => {
  it.each([
    ["--n", "0", wholeNumber(1), "--n must be a whole number ≥ 1 (got '0')"],
    ["--n", "1.5", z.number().int().positive(), "--n must be a whole number ≥ 1 (got '1.5')"],
    ["--x", "0", z.number().positive(), "--x must be a number > 0 (got '0')"],
    ["--x", "", z.number().positive(), "--x must be a number > 0 (got '')"],
    ["--t", "2.5", RunOptionsSchema.shape.temperature, "--t must be a number from 0 to 2 (got '2.5')"],
    ["--s", "best", RunOptionsSchema.shape.select, "--s must be one of critic, first, validation (got 'best')"],
  ])("%s %j", (flag, raw, schema, message) => {
    expect(() => flagValue(flag, raw, schema as z.ZodType)).toThrow(message);
  });

  it("gives the field's value typed", () => {
    expect(flagValue("--n", "7", wholeNumber(1))).toBe(7);
    expect(flagValue("--x", "0.25", z.number().positive())).toBe(0.25);
    expect(flagValue("--m", "direct", RunOptionsSchema.shape.mode)).toBe("direct");
  });
});

describe("run option flags", () => {
  it("read into typed run options; what is not given is left to the schema's default", async () => {
    expect(await parse(["fixAttempts", "noCritic", "noSchema", "temperature", "mode"], ["--fix-attempts", "0", "--no-critic", "--temperature", "0.5"])).toEqual({
      fixAttempts: 0,
      noCritic: true,
      temperature: 0.5,
    });
    expect(RunOptionsSchema.parse(await parse(["fixAttempts", "mode"], []))).toMatchObject({ fixAttempts: 3, mode: "linguacodus" });
  });

  it("words the options' cross-field rule with the flags", async () => {
    await expect(parse(["budgetUsd"], ["--budget-usd", "2"])).rejects.toThrow("--budget-usd needs --prices <file> to turn tokens into USD");
  });

  it("show the schema's default in help, and only then (commander holds none)", async () => {
    const command = addRunFlags(new Command("t"), ["fixAttempts", "timeoutSeconds", "maxTokens"]);
    expect(command.options.every((o) => o.defaultValue === undefined)).toBe(true);
    await completeFlagHelp(command);
    const help = Object.fromEntries(command.options.map((o) => [o.long, o.description]));
    expect(help["--fix-attempts"]).toBe("fixes after a failed execution (default: 3)");
    expect(help["--timeout"]).toBe("time limit of one script execution, in seconds (default: 900)");
    expect(help["--max-tokens"]).not.toMatch(/default/);
  });

  it("bench's own flags take their limits from the bench schema", async () => {
    expect(() => flagValue("--parallel", "0", z.number().int().positive())).toThrow("--parallel must be a whole number ≥ 1 (got '0')");
    expect(await BENCH_FLAGS.apiConcurrency.schema().then((s) => s.parse(undefined))).toBe(4);
    expect(RUN_FLAGS.chains.def.flag).toBe("--chains <c>");
  });
});
