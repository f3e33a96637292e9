// gemini: keys and client construction (no network call: this machine has no route to Google).
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { MissingApiKeyError, createProviderResolver, toJsonSchema } from "../../agents/index.js";

describe("gemini provider", () => {
  it("names both key variables when neither is set", async () => {
    const resolver = createProviderResolver({ env: {} });
    const failure = Promise.resolve(resolver.resolve("gemini:gemini-2.0-flash", "planner"));
    await expect(failure).rejects.toBeInstanceOf(MissingApiKeyError);
    await expect(failure).rejects.toThrow(/GEMINI_API_KEY \(or GOOGLE_API_KEY\) is not set \(needed by gemini:gemini-2.0-flash\)/);
  });

  it.each(["GEMINI_API_KEY", "GOOGLE_API_KEY"])("builds text and structured runnables with %s", async (name) => {
    const resolver = createProviderResolver({ env: { [name]: "test-key-not-used-offline" } });
    const model = await resolver.resolve("gemini:gemini-2.0-flash", "planner");
    if (!("forCall" in model)) throw new Error("expected a resolved provider model");
    expect(model.forCall({ temperature: 0.1, maxTokens: 10 })).toBeDefined();
    const structured = model.forCall({}, toJsonSchema(z.object({ ok: z.boolean() })));
    expect(typeof structured.invoke).toBe("function");
  });
});
