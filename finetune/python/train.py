"""LoRA fine-tuning of the planner on a linguacodus corpus (pairs.jsonl), with the paper's Table A.3 defaults.

Run by `linguacodus finetune train` inside its virtual environment; prints one JSON object per line (events) so the
command can stream step, loss, tokens/s and ETA. Loss is on completion tokens only. 4-bit NF4 (bitsandbytes) only
where CUDA is present; on the CPU the base trains in float32.
"""
import argparse
import json
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import RecipeError, emit, fail, load_base, read_jsonl, sha256_file  # noqa: E402
import memory  # noqa: E402

# Llama 2's instruction format, the paper's Fig. 5 ("[/INST]" separates prompt and completion): used when the base
# tokenizer has no chat template of its own.
INST_TEMPLATE = (
    "{{ bos_token }}{% set sys = namespace(text='') %}{% for m in messages %}{% if m['role'] == 'system' %}"
    "{% set sys.text = '<<SYS>>\\n' + m['content'] + '\\n<</SYS>>\\n\\n' %}{% elif m['role'] == 'user' %}[INST] {{ sys.text }}"
    "{{ m['content'] }} [/INST]{% else %} {{ m['content'] }}{{ eos_token }}{% endif %}{% endfor %}"
)

LORA_TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--corpus", required=True, help="corpus folder with pairs.jsonl")
    p.add_argument("--base", required=True, help=".gguf file (dequantized and cached) or Hugging Face folder")
    p.add_argument("--out", required=True, help="adapter folder")
    p.add_argument("--cache-dir", required=True, help="where dequantized GGUF bases are kept")
    # Table A.3 of the paper.
    p.add_argument("--lora-r", type=int, default=64)
    p.add_argument("--lora-alpha", type=float, default=16)
    p.add_argument("--lora-dropout", type=float, default=0.1)
    p.add_argument("--lora-targets", default=",".join(LORA_TARGETS))
    p.add_argument("--learning-rate", type=float, default=2e-4)
    p.add_argument("--lr-scheduler", default="constant")
    p.add_argument("--warmup-ratio", type=float, default=0.03)
    p.add_argument("--weight-decay", type=float, default=0.001)
    p.add_argument("--max-grad-norm", type=float, default=0.3)
    p.add_argument("--batch-size", type=int, default=4)
    p.add_argument("--epochs", type=float, default=1)
    p.add_argument("--max-steps", type=int, default=-1)
    p.add_argument("--gradient-checkpointing", type=int, default=1)
    p.add_argument("--group-by-length", type=int, default=1)
    p.add_argument("--save-steps", type=int, default=500)
    p.add_argument("--logging-steps", type=int, default=25)
    p.add_argument("--max-length", type=int, default=0, help="tokens per sequence; 0 = no limit (the paper's None)")
    p.add_argument("--load-in-4bit", default="auto", choices=["auto", "yes", "no"])
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--resume", action="store_true")
    p.add_argument("--limit", type=int, default=0, help="use only the first N training pairs")
    p.add_argument("--optim", default="adamw_torch", help="transformers optimizer name (the paper's GPU recipe: paged_adamw_32bit)")
    p.add_argument("--completion-logits", type=int, default=0,
                   help="compute the vocabulary projection only where the loss is (completion tokens): less memory and time")
    p.add_argument("--memory-fit", default="check", choices=["auto", "check", "off"],
                   help="auto: the longest sequence, then the largest batch, that the estimate fits; check: refuse with the numbers")
    p.add_argument("--memory-budget-gb", type=float, default=0, help="memory the run may use (default: 85%% of what is available)")
    return p.parse_args(argv)


def corpus_template(corpus_dir):
    path = os.path.join(corpus_dir, "corpus.json")
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f).get("plannerPrompt")


def encode(tokenizer, pair, max_length):
    """input_ids and labels with the prompt masked (-100): the loss covers the completion tokens only."""
    # The pair's own turns ([system,] user): a corpus of pre-extracted pairs keeps its system prompt.
    turns = pair.get("messages") or []
    user = [m for m in turns if m.get("role") in ("system", "user")] or [{"role": "user", "content": pair["prompt"]}]
    full = user + [{"role": "assistant", "content": pair["completion"]}]
    prompt_text = tokenizer.apply_chat_template(user, tokenize=False, add_generation_prompt=True)
    full_text = tokenizer.apply_chat_template(full, tokenize=False)
    if not full_text.startswith(prompt_text):
        # A template that renders the last turn differently: fall back to plain concatenation.
        full_text = prompt_text + pair["completion"] + (tokenizer.eos_token or "")
    prompt_ids = tokenizer(prompt_text, add_special_tokens=False)["input_ids"]
    full_ids = tokenizer(full_text, add_special_tokens=False)["input_ids"]
    completion_ids = full_ids[len(prompt_ids):]
    if max_length and len(full_ids) > max_length:
        # Keep at least half the window for the completion; cut the prompt's tail (the description's end) first.
        keep_completion = min(len(completion_ids), max(max_length // 2, max_length - len(prompt_ids)))
        keep_prompt = max_length - keep_completion
        prompt_ids = prompt_ids[:keep_prompt]
        completion_ids = completion_ids[:keep_completion]
    ids = prompt_ids + completion_ids
    labels = [-100] * len(prompt_ids) + completion_ids
    return {"input_ids": ids, "labels": labels}


class Collator:
    """Pads a batch and counts its tokens (for tokens/s)."""

    def __init__(self, pad_id):
        self.pad_id = pad_id
        self.tokens = 0

    def __call__(self, features):
        import torch

        width = max(len(f["input_ids"]) for f in features)
        ids, labels, mask = [], [], []
        for f in features:
            n = len(f["input_ids"])
            ids.append(f["input_ids"] + [self.pad_id] * (width - n))
            labels.append(f["labels"] + [-100] * (width - n))
            mask.append([1] * n + [0] * (width - n))
            self.tokens += n
        return {"input_ids": torch.tensor(ids), "labels": torch.tensor(labels), "attention_mask": torch.tensor(mask)}


def fit_memory(args, model, trainable, train_set):
    """Estimates the peak; with --memory-fit auto picks the longest sequence, then the largest batch, that fit (True: the
    sequences must be encoded again at the new max length), with check refuses naming the numbers and the fix."""
    lengths = [len(r["input_ids"]) for r in train_set.rows]
    longest = max(lengths)
    share = sum(sum(1 for l in r["labels"] if l != -100) for r in train_set.rows) / max(sum(lengths), 1)
    base_bytes = sum(p.numel() * p.element_size() for p in model.parameters())
    config = model.get_base_model().config if hasattr(model, "get_base_model") else model.config
    vocab = int(getattr(getattr(config, "text_config", None) or config, "vocab_size", 0))

    def at(batch, tokens):
        return memory.estimate(config, base_bytes, trainable, batch, min(tokens, longest), bool(args.gradient_checkpointing),
                               share, bool(args.completion_logits))

    budget, source = memory.budget_bytes(args.memory_budget_gb)
    total, parts = at(args.batch_size, longest)
    event = {"estimate_gb": memory.gb(total), "budget_gb": None if budget is None else memory.gb(budget), "budget_source": source,
             "parts_gb": {k: memory.gb(v) for k, v in parts.items()}, "batch_size": args.batch_size, "longest_tokens": longest,
             "max_length": args.max_length, "picked": False}
    if budget is None or args.memory_fit == "off" or total <= budget:
        emit("memory", **event)
        return False
    suggestion = memory.fit(lambda b, t: at(b, t)[0], args.batch_size, longest, budget)
    what = (f"estimated peak memory {memory.gb(total)} GB ({memory.describe(parts, args.batch_size, longest, vocab)}) "
            f"exceeds the {memory.gb(budget)} GB this run may use ({source})")
    if suggestion is None:
        raise RecipeError(f"{what}; even batch 1 × {memory.LENGTH_STEPS[-1]} tokens does not fit: free memory, or train a smaller base.")
    batch, tokens = suggestion
    fix = f"--batch-size {batch}" + (f" --max-length {tokens}" if tokens < longest else "")
    if args.memory_fit == "check":
        raise RecipeError(f"{what}: pass {fix} (estimated {memory.gb(at(batch, tokens)[0])} GB), or --profile cpu.")
    args.batch_size = batch
    if tokens < longest:
        args.max_length = tokens
    event.update(estimate_gb=memory.gb(at(batch, tokens)[0]), batch_size=batch, max_length=args.max_length, picked=True,
                 message=f"{what}; using {fix} (estimated {memory.gb(at(batch, tokens)[0])} GB)")
    emit("memory", **event)
    return tokens < longest


def CompletionLogitsTrainer(base):
    """A Trainer whose loss projects onto the vocabulary only the positions that predict a completion token (the
    prompt is masked anyway): on a large-vocabulary base most of the step's time and memory is that projection."""
    import torch

    class Trainer(base):
        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            labels = inputs["labels"]
            keep = torch.zeros_like(labels, dtype=torch.bool)
            keep[:, :-1] = labels[:, 1:] != -100
            out = model(input_ids=inputs["input_ids"], attention_mask=inputs["attention_mask"], logits_to_keep=keep)
            logits = out.logits.reshape(-1, out.logits.shape[-1]).float()
            loss = torch.nn.functional.cross_entropy(logits, labels[:, 1:][keep[:, :-1]])
            return (loss, out) if return_outputs else loss

    return Trainer


def main(argv):
    args = parse_args(argv)
    import torch
    from torch.utils.data import Dataset

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    pairs_path = os.path.join(args.corpus, "pairs.jsonl")
    if not os.path.isfile(pairs_path):
        raise RecipeError(f"{pairs_path} not found: build the corpus first with `linguacodus finetune corpus`.")
    pairs = read_jsonl(pairs_path)
    train_pairs = [p for p in pairs if p.get("split") == "train"]
    valid_pairs = [p for p in pairs if p.get("split") == "validation"]
    if args.limit:
        train_pairs = train_pairs[: args.limit]
    if not train_pairs:
        raise RecipeError(f"{pairs_path} has no training pairs (split 'train'); the corpus needs scored solutions.")

    cuda = torch.cuda.is_available()
    four_bit = args.load_in_4bit == "yes" or (args.load_in_4bit == "auto" and cuda)
    if four_bit and not cuda:
        raise RecipeError("--load-in-4bit yes needs a CUDA GPU (bitsandbytes NF4); use --load-in-4bit no on the CPU.")
    if args.optim.startswith("paged") and not cuda:
        raise RecipeError(f"--optim {args.optim} needs a CUDA GPU (bitsandbytes paged optimizers); use adamw_torch on the CPU (or --profile cpu).")
    quantization = None
    if four_bit:
        from transformers import BitsAndBytesConfig

        # Table A.3: NF4, float16 compute, no nested quantization.
        quantization = BitsAndBytesConfig(
            load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=torch.float16, bnb_4bit_use_double_quant=False
        )
    model, tokenizer, base_info = load_base(args.base, args.cache_dir, "float32", quantization)
    prompt_format = "chat-template"
    if not tokenizer.chat_template:
        tokenizer.chat_template = INST_TEMPLATE
        prompt_format = "llama2-inst"
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token

    from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training

    if four_bit:
        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=bool(args.gradient_checkpointing))
    targets = [t for t in args.lora_targets.split(",") if t]
    present = {name.rsplit(".", 1)[-1] for name, _ in model.named_modules()}
    missing = [t for t in targets if t not in present]
    if missing:
        raise RecipeError(
            f"--lora-targets {','.join(missing)}: no such module in the {base_info['model_type']} base "
            f"(it has e.g. {', '.join(sorted(n for n in present if n.endswith('proj'))[:10])})."
        )
    lora = LoraConfig(
        r=args.lora_r, lora_alpha=args.lora_alpha, lora_dropout=args.lora_dropout, target_modules=targets,
        bias="none", task_type="CAUSAL_LM",
    )
    model = get_peft_model(model, lora)
    if args.gradient_checkpointing:
        model.enable_input_require_grads()
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)

    class Pairs(Dataset):
        def __init__(self, rows, max_length):
            self.rows = [encode(tokenizer, r, max_length) for r in rows]

        def __len__(self):
            return len(self.rows)

        def __getitem__(self, i):
            return self.rows[i]

    train_set = Pairs(train_pairs, args.max_length)
    if not cuda:
        # On the CPU the base's memory is the machine's: estimate the peak now, pick what fits or refuse.
        if fit_memory(args, model, trainable, train_set):
            train_set = Pairs(train_pairs, args.max_length)
    valid_set = Pairs(valid_pairs, args.max_length) if valid_pairs else None
    collator = Collator(tokenizer.pad_token_id)

    from transformers import Trainer, TrainerCallback, TrainingArguments

    steps_per_epoch = math.ceil(len(train_set) / args.batch_size)
    total_steps = args.max_steps if args.max_steps > 0 else math.ceil(steps_per_epoch * args.epochs)
    emit("start", train_pairs=len(train_set), validation_pairs=len(valid_pairs), total_steps=total_steps,
         trainable_parameters=trainable, four_bit=four_bit, cuda=cuda, prompt_format=prompt_format, base=base_info)

    history = []

    class Stream(TrainerCallback):
        def __init__(self):
            self.started = None
            self.first_step = None
            self.last_loss = None

        def on_train_begin(self, targs, state, control, **kw):
            self.started = time.time()
            self.tokens0 = collator.tokens

        def on_step_end(self, targs, state, control, **kw):
            if self.first_step is None:
                self.first_step = state.global_step - 1
            elapsed = time.time() - self.started
            done = state.global_step - self.first_step
            rate = done / elapsed if elapsed > 0 else 0
            tokens_s = (collator.tokens - self.tokens0) / elapsed if elapsed > 0 else 0
            eta = (state.max_steps - state.global_step) / rate if rate > 0 else None
            emit("step", step=state.global_step, total_steps=state.max_steps, loss=self.last_loss,
                 tokens_per_second=round(tokens_s, 1), seconds_per_step=round(elapsed / max(done, 1), 2),
                 eta_seconds=None if eta is None else round(eta))

        def on_log(self, targs, state, control, logs=None, **kw):
            logs = logs or {}
            if "loss" in logs:
                self.last_loss = logs["loss"]
                history.append({"step": state.global_step, "loss": logs["loss"], "learning_rate": logs.get("learning_rate")})
                emit("loss", step=state.global_step, loss=logs["loss"], learning_rate=logs.get("learning_rate"))

    targs = TrainingArguments(
        output_dir=os.path.join(args.out, "checkpoints"),
        num_train_epochs=args.epochs,
        max_steps=args.max_steps,
        per_device_train_batch_size=args.batch_size,
        per_device_eval_batch_size=args.batch_size,
        gradient_accumulation_steps=1,
        gradient_checkpointing=bool(args.gradient_checkpointing),
        gradient_checkpointing_kwargs={"use_reentrant": False} if args.gradient_checkpointing else None,
        max_grad_norm=args.max_grad_norm,
        learning_rate=args.learning_rate,
        weight_decay=args.weight_decay,
        optim=args.optim,
        prediction_loss_only=True,
        lr_scheduler_type=args.lr_scheduler,
        # transformers 5: a float warmup_steps in [0, 1) is the ratio of total steps.
        warmup_steps=args.warmup_ratio,
        train_sampling_strategy="group_by_length" if args.group_by_length else "random",
        save_steps=args.save_steps,
        logging_steps=args.logging_steps,
        logging_first_step=True,
        report_to=[],
        fp16=False,
        bf16=False,
        seed=args.seed,
        dataloader_num_workers=0,
        remove_unused_columns=False,
        disable_tqdm=True,
        use_cpu=not cuda,
    )
    trainer_class = CompletionLogitsTrainer(Trainer) if args.completion_logits else Trainer
    trainer = trainer_class(model=model, args=targs, train_dataset=train_set, data_collator=collator, callbacks=[Stream()])
    from transformers.trainer_callback import PrinterCallback, ProgressCallback

    # stdout carries JSON events only.
    trainer.remove_callback(PrinterCallback)
    trainer.remove_callback(ProgressCallback)
    checkpoints = os.path.join(args.out, "checkpoints")
    resume = args.resume and os.path.isdir(checkpoints) and any(d.startswith("checkpoint-") for d in os.listdir(checkpoints))
    started = time.time()
    result = trainer.train(resume_from_checkpoint=True if resume else None)
    seconds = time.time() - started
    train_tokens = collator.tokens
    validation_loss = None
    if valid_set is not None and len(valid_set) > 0:
        emit("status", message=f"validation loss on {len(valid_set)} pairs")
        validation_loss = trainer.evaluate(valid_set)["eval_loss"]
    model.save_pretrained(args.out)
    tokenizer.save_pretrained(args.out)

    card = {
        "kind": "linguacodus-planner-adapter",
        "base": base_info,
        "corpus": {"dir": os.path.abspath(args.corpus), "pairs_sha256": sha256_file(pairs_path),
                   "train_pairs": len(train_set), "validation_pairs": len(valid_pairs)},
        "prompt_format": prompt_format,
        # The corpus's own planner prompt travels with the adapter (export copies it into the sidecar).
        "prompt_template": corpus_template(args.corpus),
        "hyperparameters": {k: v for k, v in vars(args).items() if k not in ("corpus", "base", "out", "cache_dir", "resume")},
        "four_bit": four_bit,
        "device": "cuda" if cuda else "cpu",
        "trainable_parameters": trainable,
        "steps": result.global_step,
        "train_loss": result.training_loss,
        "validation_loss": validation_loss,
        "seconds": round(seconds, 1),
        "tokens": train_tokens,
        "tokens_per_second": round(train_tokens / seconds, 1) if seconds > 0 else None,
        "loss_history": history,
        "resumed": bool(resume),
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    with open(os.path.join(args.out, "adapter_card.json"), "w", encoding="utf-8") as f:
        json.dump(card, f, indent=2)
    emit("done", adapter=os.path.abspath(args.out), train_loss=result.training_loss, validation_loss=validation_loss,
         steps=result.global_step, seconds=round(seconds, 1), tokens_per_second=card["tokens_per_second"])


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except RecipeError as error:
        fail(str(error))
