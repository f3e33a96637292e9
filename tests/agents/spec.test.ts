import { describe, expect, it } from "vitest";
import { ModelSpecError, VALID_SPEC_FORMS, formatModelSpec, parseModelSpec } from "../../agents/index.js";

describe("model specs", () => {
  it.each([
    ["gguf:/models/x.gguf", { provider: "gguf", source: { kind: "file", path: "/models/x.gguf" } }],
    ["gguf:rel/x.gguf+lora:/a/adapter.gguf", { provider: "gguf", source: { kind: "file", path: "rel/x.gguf" }, lora: "/a/adapter.gguf" }],
    ["gguf:hf:owner/repo/sub/model.Q4_K_M.gguf", { provider: "gguf", source: { kind: "hf", owner: "owner", repo: "repo", file: "sub/model.Q4_K_M.gguf" } }],
    ["openai:gpt-4o-mini", { provider: "openai", model: "gpt-4o-mini" }],
    ["openai:qwen2.5:7b@http://localhost:11434/v1", { provider: "openai", model: "qwen2.5:7b", baseURL: "http://localhost:11434/v1" }],
    ["gemini:gemini-2.0-flash", { provider: "gemini", model: "gemini-2.0-flash" }],
    ["replay:runs/2024-01-01-abc", { provider: "replay", path: "runs/2024-01-01-abc" }],
  ])("parses %s and formats it back", (spec, expected) => {
    const parsed = parseModelSpec(spec);
    expect(parsed).toEqual(expected);
    expect(formatModelSpec(parsed)).toBe(spec);
  });

  it.each([
    ["claude:opus", /unknown provider prefix "claude:"/],
    ["just-a-model", /no provider prefix/],
    ["gguf:", /model path is empty/],
    ["gguf:hf:owner/repo", /Hugging Face file is empty/],
    ["gguf:/m.gguf+lora:", /LoRA adapter path is empty/],
    ["openai:", /model name is empty/],
    ["gemini:", /model name is empty/],
    ["replay:", /replay path is empty/],
  ])("rejects %s with the reason and the valid forms", (spec, reason) => {
    expect(() => parseModelSpec(spec)).toThrow(ModelSpecError);
    expect(() => parseModelSpec(spec)).toThrow(reason);
    expect(() => parseModelSpec(spec)).toThrow(VALID_SPEC_FORMS.join(" | "));
  });
});
