// The wiring's team factory: key values the provider resolver loaded (e.g. from .env, not the process
// environment) are scrubbed from the run's transcripts.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { teamFactory } from "../../execution/wiring.js";
import { scriptedModel } from "../support/scripted-model.js";

describe("teamFactory", () => {
  it("scrubs the secrets it is given from transcripts.jsonl", async () => {
    const transcriptsPath = join(mkdtempSync(join(tmpdir(), "lc-wiring-")), "transcripts.jsonl");
    const dotenvValue = "odd-dotenv-value-7Qx";
    const createTeam = teamFactory(() => scriptedModel([`the key is ${dotenvValue}`]), [dotenvValue]);
    const team = await createTeam({ runId: "r1", transcriptsPath, models: { default: "openai:scripted@http://127.0.0.1:9/v1" } });
    await team.model("coder").generate([{ role: "user", content: `use ${dotenvValue}` }]);
    await team.close();
    const text = readFileSync(transcriptsPath, "utf8");
    expect(text).toContain("the key is [REDACTED]");
    expect(text).not.toContain(dotenvValue);
  });
});
