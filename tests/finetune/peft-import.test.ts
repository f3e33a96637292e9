// `finetune export --adapter <peft folder>`: an adapter trained elsewhere in PEFT's format (here by a plain PEFT
// script the test runs — not the recipe — saved as adapter_model.bin, with rsLoRA) on the tiny generated base
// becomes a llama.cpp adapter that node-llama-cpp loads and that changes the output; a base it does not fit is
// refused naming the tensor; a folder that is not a PEFT adapter is named with what it lacks.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { checkAdapterLoads, exportAdapter, readSidecar } from "../../finetune/index.js";
import { buildCli, linguacodus } from "../support/cli.js";
import { tinyLlamaGguf, TINY_LLAMA_SHAPE } from "../support/tiny-gguf.js";
import { cpuGgufTeam, recipeSetup } from "./fixtures.js";

const home = process.env.LINGUACODUS_HOME ?? join(homedir(), ".linguacodus");

// A PEFT adapter as any other trainer would make one: LoRA on q/v, a few optimizer steps, PEFT's own save.
const TRAIN_PEFT = `
import os, sys, torch
from transformers import AutoModelForCausalLM
from peft import LoraConfig, get_peft_model
base, out = sys.argv[1], sys.argv[2]
torch.manual_seed(0)
model = AutoModelForCausalLM.from_pretrained(os.path.dirname(base), gguf_file=os.path.basename(base), dtype=torch.float32)
model = get_peft_model(model, LoraConfig(r=4, lora_alpha=8, use_rslora=True, target_modules=["q_proj", "v_proj"], task_type="CAUSAL_LM"))
opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.5)
ids = torch.randint(3, 200, (2, 24))
for _ in range(3):
    loss = model(input_ids=ids, labels=ids).loss
    loss.backward(); opt.step(); opt.zero_grad()
model.save_pretrained(out, safe_serialization=False)
print(sorted(os.listdir(out)))
`;

describe("finetune export of a PEFT adapter trained elsewhere", () => {
  let python: string;
  let root: string;
  let base: string;
  let peft: string;
  beforeAll(async () => {
    ({ python, root, base } = await recipeSetup("lc-ft-peft-", 4096));
    peft = join(root, "peft-adapter");
    const listed = execFileSync(python, ["-c", TRAIN_PEFT, base, peft], { encoding: "utf8", env: { ...process.env, HF_HUB_OFFLINE: "1" } });
    expect(listed).toContain("adapter_model.bin");
  }, 600_000);

  it("exports it, node-llama-cpp loads it with its base, and the output changes", async () => {
    const gguf = join(root, "peft.gguf");
    const exported = await exportAdapter({ adapter: peft, base, out: gguf, python });
    // 2 layers × (q, v) × (lora_a, lora_b).
    expect(exported.tensors).toBe(8);
    expect(exported.spec).toBe(`gguf:${base}+lora:${gguf}`);
    // Not trained by `finetune train`: no card, so no sidecar (eval then needs --corpus).
    expect(readSidecar(gguf)).toBeUndefined();
    const check = await checkAdapterLoads(base, gguf, cpuGgufTeam, 16);
    expect(check.differs).toBe(true);
  }, 300_000);

  it("refuses a base it does not fit, naming the tensor, and a folder that is not a PEFT adapter", async () => {
    const other = join(root, "other.gguf");
    writeFileSync(other, tinyLlamaGguf({ ...TINY_LLAMA_SHAPE, embedding: 32 }));
    await expect(exportAdapter({ adapter: peft, base: other, out: join(root, "bad.gguf"), python })).rejects.toThrow(
      /adapter tensor model\.layers\.0\.self_attn\.q_proj → blk\.0\.attn_q\.weight: lora_A \[4, \d+\] \/ lora_B \[\d+, 4\] do not fit the base weight/,
    );
    expect(existsSync(join(root, "bad.gguf"))).toBe(false);
    const empty = join(root, "not-an-adapter");
    mkdirSync(empty);
    writeFileSync(join(empty, "adapter_config.json"), JSON.stringify({ peft_type: "LORA", r: 4, lora_alpha: 8 }));
    await expect(exportAdapter({ adapter: empty, base, out: join(root, "none.gguf"), python })).rejects.toThrow(
      /adapter_model\.safetensors or .*adapter_model\.bin not found: --adapter must be a PEFT LoRA folder/,
    );
  }, 300_000);

  describe("through the CLI", () => {
    beforeAll(buildCli, 300_000);
    it("prints the planner spec for the imported adapter", async () => {
      const gguf = join(root, "cli.gguf");
      const result = await linguacodus(["finetune", "export", "--adapter", peft, "--base", base, "--out", gguf, "--no-check"], { LINGUACODUS_HOME: home });
      expect(result.stderr).not.toMatch(/error/i);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`wrote ${gguf}: 8 tensors (llama)`);
      expect(result.stdout).toContain(`planner spec: gguf:${base}+lora:${gguf}`);
    }, 300_000);
  });
});
