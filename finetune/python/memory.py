"""Peak memory of a LoRA training run, estimated before it starts, and the batch / sequence length that fit.

On a small-vocabulary-heavy model (Gemma 3: 262,144 tokens) the logits dominate: every trained token holds a
vocabulary-sized row in float32 several times over (logits, log-softmax, gradient). The estimate is calibrated on
Gemma 3 270M on the CPU: batch 1 × 512 tokens → about 4 GB resident (measured), batch 4 with no length limit → over
23.8 GB (the kernel killed it).
"""
import os

GB = 1024 ** 3
RUNTIME_BYTES = int(0.8 * GB)  # python, torch, tokenizer, allocator slack
LOGIT_COPIES = 3  # logits, log-softmax, their gradient (float32)
LENGTH_STEPS = (4096, 3072, 2048, 1536, 1024, 768, 512, 384, 256)


def available_bytes():
    """What this process may still use: MemAvailable, or the cgroup's limit minus its usage when that is lower."""
    available = None
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    available = int(line.split()[1]) * 1024
    except OSError:
        pass
    for limit_path, usage_path in (("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
                                   ("/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes")):
        try:
            with open(limit_path, encoding="utf-8") as f:
                raw = f.read().strip()
            with open(usage_path, encoding="utf-8") as f:
                usage = int(f.read().strip())
        except (OSError, ValueError):
            continue
        if raw.isdigit() and int(raw) < (1 << 60):
            room = int(raw) - usage
            available = room if available is None else min(available, room)
    return available


def estimate(config, base_bytes, trainable, batch, tokens, gradient_checkpointing, completion_share, completion_logits):
    """Bytes at the peak of one step, by part. `tokens` is the longest sequence a batch will hold."""
    text = getattr(config, "text_config", None) or config
    vocab = int(getattr(text, "vocab_size", 32000))
    hidden = int(getattr(text, "hidden_size", 1024))
    layers = int(getattr(text, "num_hidden_layers", 12))
    inter = int(getattr(text, "intermediate_size", 4 * hidden))
    heads = int(getattr(text, "num_attention_heads", 8))
    batch_tokens = batch * tokens
    logit_tokens = batch_tokens * (completion_share if completion_logits else 1.0)
    parts = {
        "base": base_bytes,
        "logits": int(logit_tokens * vocab * 4 * LOGIT_COPIES),
        # Kept per layer per token: the layer input with checkpointing (plus one layer recomputed), else all of it.
        "activations": int(batch_tokens * 4 * (layers * hidden * 2 + (hidden * 10 + inter * 3) if gradient_checkpointing
                                                 else layers * (hidden * 10 + inter * 3))),
        "attention": int(batch * heads * tokens * tokens * 4 * (1 if gradient_checkpointing else layers)),
        "lora_state": int(trainable * 4 * 4),  # weights, gradients, two AdamW moments
        "runtime": RUNTIME_BYTES,
    }
    return sum(parts.values()), parts


def describe(parts, batch, tokens, vocab):
    gb = lambda n: f"{n / GB:.1f} GB"  # noqa: E731
    return (f"base {gb(parts['base'])}, logits {gb(parts['logits'])} (batch {batch} × {tokens:,} tokens × vocabulary {vocab:,}), "
            f"activations {gb(parts['activations'] + parts['attention'])}, LoRA state {gb(parts['lora_state'])}, runtime {gb(parts['runtime'])}")


def fit(estimate_at, batch, max_tokens, budget):
    """The longest sequence (whole pairs train better), then the largest batch at that length, whose estimate is
    within `budget`: (batch, tokens) or None."""
    lengths = [max_tokens] + [n for n in LENGTH_STEPS if n < max_tokens]
    for tokens in lengths:
        b = batch
        while b >= 1:
            if estimate_at(b, tokens) <= budget:
                return b, tokens
            b //= 2
    return None


def budget_bytes(override_gb):
    if override_gb and override_gb > 0:
        return int(override_gb * GB), "--memory-budget-gb"
    available = available_bytes()
    if available is None:
        return None, "unknown"
    return int(available * 0.85), "85% of the memory available now"


def gb(n):
    return round(n / GB, 2)

