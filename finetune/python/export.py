"""Writes a PEFT LoRA adapter as llama.cpp's LoRA adapter GGUF, checked tensor by tensor against the base GGUF.

The adapter may come from `linguacodus finetune train` or from anywhere else in PEFT's format (adapter_config.json
with adapter_model.safetensors or adapter_model.bin, as the paper's released Llama-2-7B adapter is).

Format (as llama.cpp's convert_lora_to_gguf.py writes it): general.type=adapter, adapter.type=lora,
adapter.lora.alpha; tensors blk.N.<attn_q|attn_k|...>.weight.lora_a (PEFT's lora_A as stored, [r, in]) and
.lora_b (lora_B, [out, r]). For llama-family bases the q/k rows are permuted as llama.cpp's converter permutes the
base weights (transformers un-permutes them when it loads a GGUF, so the adapter was trained in HF order).
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import RecipeError, emit, fail, gguf_architecture  # noqa: E402

# Architectures whose converter permutes attn_q / attn_k (convert_hf_to_gguf.py LlamaModel.permute).
PERMUTED = {"llama", "mistral", "granite", "deci"}


def permute(weights, n_head, n_head_kv):
    if n_head_kv is not None and n_head != n_head_kv:
        n_head = n_head_kv
    return (
        weights.reshape(n_head, 2, weights.shape[0] // n_head // 2, *weights.shape[1:]).swapaxes(1, 2).reshape(weights.shape)
    )


def field_value(reader, key):
    field = reader.fields.get(key)
    if field is None:
        return None
    value = field.parts[field.data[0]]
    return value.tolist()[0] if hasattr(value, "tolist") else value


def load_weights(path):
    """The adapter's tensors as float32 numpy arrays, from safetensors or PEFT's older torch pickle (.bin)."""
    import numpy as np

    if path.endswith(".safetensors"):
        from safetensors.numpy import load_file

        return {k: v.astype(np.float32) for k, v in load_file(path).items()}
    import torch

    state = torch.load(path, map_location="cpu", weights_only=True)
    return {k: v.detach().to(torch.float32).numpy() for k, v in state.items()}


def main(argv):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--adapter", required=True)
    p.add_argument("--base", required=True)
    p.add_argument("--out", required=True)
    args = p.parse_args(argv)
    import gguf
    import numpy as np

    config_path = os.path.join(args.adapter, "adapter_config.json")
    candidates = [os.path.join(args.adapter, name) for name in ("adapter_model.safetensors", "adapter_model.bin")]
    weights_path = next((path for path in candidates if os.path.isfile(path)), None)
    if not os.path.isfile(config_path) or weights_path is None:
        missing = config_path if not os.path.isfile(config_path) else " or ".join(candidates)
        raise RecipeError(
            f"{missing} not found: --adapter must be a PEFT LoRA folder (adapter_config.json with adapter_model.safetensors "
            "or adapter_model.bin), as `linguacodus finetune train` or PEFT's save_pretrained writes it."
        )
    with open(config_path, encoding="utf-8") as f:
        config = json.load(f)
    if config.get("peft_type") != "LORA":
        raise RecipeError(f"{config_path}: peft_type is {config.get('peft_type')!r}; only LoRA adapters can be exported.")
    if not os.path.isfile(args.base) or not args.base.endswith(".gguf"):
        raise RecipeError(f"--base {args.base}: give the base model's .gguf file (the one the adapter will run on).")
    arch, reader = gguf_architecture(args.base)
    blocks = field_value(reader, f"{arch}.block_count")
    n_head = field_value(reader, f"{arch}.attention.head_count")
    n_head_kv = field_value(reader, f"{arch}.attention.head_count_kv") or n_head
    base_tensors = {t.name: [int(d) for d in t.shape] for t in reader.tensors}
    try:
        arch_enum = next(k for k, v in gguf.MODEL_ARCH_NAMES.items() if v == arch)
    except StopIteration:
        raise RecipeError(f"{args.base}: unknown base architecture '{arch}' for the gguf package's tensor names.")
    names = gguf.get_tensor_name_map(arch_enum, blocks)

    rank = int(config["r"])
    alpha = float(config["lora_alpha"])
    if config.get("rank_pattern") or config.get("alpha_pattern"):
        raise RecipeError(f"{config_path}: per-module rank/alpha patterns are not supported by llama.cpp adapters.")
    if config.get("use_dora"):
        raise RecipeError(f"{config_path}: a DoRA adapter (use_dora) has magnitude vectors llama.cpp adapters cannot hold.")
    if config.get("use_rslora"):
        # rsLoRA scales by alpha/sqrt(r); llama.cpp by alpha/r: the same update with alpha·sqrt(r).
        alpha = alpha * rank ** 0.5
    state = load_weights(weights_path)
    pairs = {}
    for key, value in state.items():
        if ".lora_A." not in key and ".lora_B." not in key:
            raise RecipeError(
                f"adapter tensor {key} ({weights_path}): not a LoRA pair (a module trained in full, modules_to_save, or a "
                "LoRA bias); llama.cpp adapters hold lora_A/lora_B pairs only — train without modules_to_save and with bias='none'."
            )
        # base_model.model.<hf module>.lora_A.weight
        for part in ("lora_A", "lora_B"):
            marker = f".{part}."
            if marker in key:
                module = key.split(marker)[0]
                module = module[len("base_model.model."):] if module.startswith("base_model.model.") else module
                pairs.setdefault(module, {})[part] = value.astype(np.float32)
    if not pairs:
        raise RecipeError(f"{weights_path}: no lora_A/lora_B tensors found.")

    writer = gguf.GGUFWriter(args.out, arch)
    writer.add_type(gguf.GGUFType.ADAPTER)
    writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
    writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, alpha)
    written = 0
    for module in sorted(pairs):
        ab = pairs[module]
        if "lora_A" not in ab or "lora_B" not in ab:
            raise RecipeError(f"{weights_path}: module {module} has only {', '.join(ab)}; the adapter is incomplete.")
        target = names.get_name(module + ".weight", try_suffixes=(".weight",))
        if target is None:
            raise RecipeError(f"adapter tensor {module}: no {arch} GGUF tensor name for it; the adapter is for another architecture.")
        if target not in base_tensors:
            raise RecipeError(
                f"adapter tensor {module} → {target}: not in the base {args.base}; the adapter was trained for another base."
            )
        a, b = ab["lora_A"], ab["lora_B"]
        n_in, n_out = base_tensors[target][0], base_tensors[target][1]
        if a.shape != (rank, n_in) or b.shape != (n_out, rank):
            raise RecipeError(
                f"adapter tensor {module} → {target}: lora_A {list(a.shape)} / lora_B {list(b.shape)} do not fit the base "
                f"weight [out {n_out}, in {n_in}] with r {rank}; the adapter was trained for another base."
            )
        if arch in PERMUTED and target.endswith((".attn_q.weight", ".attn_k.weight")):
            b = permute(b, n_head, n_head if target.endswith(".attn_q.weight") else n_head_kv)
        writer.add_tensor(f"{target}.lora_a", np.ascontiguousarray(a))
        writer.add_tensor(f"{target}.lora_b", np.ascontiguousarray(b))
        written += 1
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    emit("done", out=os.path.abspath(args.out), architecture=arch, tensors=written * 2, rank=rank, alpha=alpha)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except RecipeError as error:
        fail(str(error))
