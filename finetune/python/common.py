"""Shared helpers of the fine-tuning recipe: JSON-line events for the TypeScript side, clear errors, base loading."""
import hashlib
import json
import os
import sys
import time


def emit(event, **fields):
    """One JSON object per line on stdout: the TypeScript command parses these (progress, results)."""
    fields["event"] = event
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


class RecipeError(Exception):
    """A problem with the user's input: printed as one line naming the file or tensor and the fix."""


def fail(message):
    emit("error", message=message)
    sys.exit(2)


def file_identity(path):
    """Cheap identity of a (possibly multi-GB) file: name, size, and hashes of its first and last MiB."""
    st = os.stat(path)
    h = hashlib.sha256()
    h.update(os.path.basename(path).encode())
    h.update(str(st.st_size).encode())
    with open(path, "rb") as f:
        h.update(f.read(1 << 20))
        if st.st_size > (2 << 20):
            f.seek(-(1 << 20), os.SEEK_END)
            h.update(f.read(1 << 20))
    return h.hexdigest()[:16]


def gguf_architecture(path):
    import gguf

    reader = gguf.GGUFReader(path)
    field = reader.fields.get("general.architecture")
    if field is None:
        raise RecipeError(f"{path}: no general.architecture in the GGUF metadata; is it a model GGUF?")
    arch = bytes(field.parts[field.data[0]]).decode()
    kind = reader.fields.get("general.type")
    if kind is not None and bytes(kind.parts[kind.data[0]]).decode() == "adapter":
        raise RecipeError(f"{path} is a LoRA adapter GGUF, not a base model; give the base model file.")
    return arch, reader


def supported_gguf_architectures():
    from transformers.integrations.ggml import GGUF_CONFIG_MAPPING

    return sorted(GGUF_CONFIG_MAPPING.keys())


def load_base(base, cache_dir, dtype_name="float32", quantization=None):
    """The base model and tokenizer. A GGUF is dequantized by transformers once and cached as an HF folder."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    dtype = getattr(torch, dtype_name)
    info = {"base": os.path.abspath(base)}
    folder = base
    if os.path.isfile(base):
        if not base.endswith(".gguf"):
            raise RecipeError(f"--base {base}: expected a .gguf file or a Hugging Face model folder.")
        arch, _ = gguf_architecture(base)
        supported = supported_gguf_architectures()
        if arch not in supported:
            raise RecipeError(
                f"--base {base}: unknown base architecture '{arch}' — transformers can dequantize GGUF files of "
                f"{', '.join(supported)}. Convert the model to a Hugging Face folder and pass that instead."
            )
        identity = file_identity(base)
        info.update({"format": "gguf", "architecture": arch, "identity": identity})
        folder = os.path.join(cache_dir, f"{os.path.basename(base)[:-5]}-{identity}")
        if not os.path.isfile(os.path.join(folder, "config.json")):
            started = time.time()
            emit("status", message=f"dequantizing {base} with transformers (once; cached in {folder})")
            directory, name = os.path.split(os.path.abspath(base))
            model = AutoModelForCausalLM.from_pretrained(directory, gguf_file=name, dtype=torch.float32)
            tokenizer = AutoTokenizer.from_pretrained(directory, gguf_file=name)
            # save_pretrained refuses a model that still carries the GGUF quantizer state; the weights are plain now.
            model.hf_quantizer = None
            if hasattr(model.config, "quantization_config"):
                del model.config.quantization_config
            if hasattr(model, "is_quantized"):
                model.is_quantized = False
            tmp = folder + ".partial"
            model.save_pretrained(tmp)
            tokenizer.save_pretrained(tmp)
            os.replace(tmp, folder)
            emit("status", message=f"dequantized in {time.time() - started:.0f}s")
            del model
    elif os.path.isdir(base):
        if not os.path.isfile(os.path.join(base, "config.json")):
            raise RecipeError(f"--base {base}: the folder has no config.json; give a Hugging Face model folder or a .gguf file.")
        info.update({"format": "hf"})
    else:
        raise RecipeError(f"--base {base}: no such file or folder.")

    tokenizer = AutoTokenizer.from_pretrained(folder)
    kwargs = {"dtype": dtype}
    if quantization is not None:
        kwargs["quantization_config"] = quantization
        kwargs["device_map"] = "auto"
    model = AutoModelForCausalLM.from_pretrained(folder, **kwargs)
    info["architecture"] = info.get("architecture") or model.config.model_type
    info["model_type"] = model.config.model_type
    return model, tokenizer, info


def read_jsonl(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise RecipeError(f"{path}:{n}: not JSON ({error}); rebuild the corpus with `linguacodus finetune corpus`.")
    return rows


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
