// Writes tiny random-weight llama GGUF files for tests: a 2-layer model with a SentencePiece-style vocabulary
// (control tokens, all 256 byte tokens, ASCII pieces) and a LoRA adapter for it. A few hundred KB each, so
// node-llama-cpp loads and runs them on CPU in well under a second. Output is noise; grammars still apply.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { seededRandom } from "../../datasets/index.js";

const enum ValueType {
  UINT32 = 4,
  INT32 = 5,
  FLOAT32 = 6,
  STRING = 8,
  ARRAY = 9,
}
const GGML_TYPE_F32 = 0;
const ALIGNMENT = 32;

type MetaValue =
  | { type: "u32"; value: number }
  | { type: "f32"; value: number }
  | { type: "str"; value: string }
  | { type: "str[]"; value: string[] }
  | { type: "f32[]"; value: number[] }
  | { type: "i32[]"; value: number[] };

interface Tensor {
  name: string;
  /** ggml order: ne[0] (the row length) first. */
  dims: number[];
  data: Float32Array;
}

class ByteWriter {
  private chunks: Buffer[] = [];
  length = 0;
  private push(buf: Buffer) {
    this.chunks.push(buf);
    this.length += buf.length;
  }
  u32(v: number) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }
  i32(v: number) {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.push(b);
  }
  u64(v: number) {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }
  f32(v: number) {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.push(b);
  }
  str(s: string) {
    const bytes = Buffer.from(s, "utf8");
    this.u64(bytes.length);
    this.push(bytes);
  }
  raw(buf: Buffer) {
    this.push(buf);
  }
  pad(to: number) {
    const rem = this.length % to;
    if (rem !== 0) this.push(Buffer.alloc(to - rem));
  }
  toBuffer() {
    return Buffer.concat(this.chunks);
  }
}

function writeMeta(w: ByteWriter, key: string, v: MetaValue) {
  w.str(key);
  switch (v.type) {
    case "u32":
      w.u32(ValueType.UINT32);
      w.u32(v.value);
      break;
    case "f32":
      w.u32(ValueType.FLOAT32);
      w.f32(v.value);
      break;
    case "str":
      w.u32(ValueType.STRING);
      w.str(v.value);
      break;
    case "str[]":
      w.u32(ValueType.ARRAY);
      w.u32(ValueType.STRING);
      w.u64(v.value.length);
      v.value.forEach((s) => w.str(s));
      break;
    case "f32[]":
      w.u32(ValueType.ARRAY);
      w.u32(ValueType.FLOAT32);
      w.u64(v.value.length);
      v.value.forEach((x) => w.f32(x));
      break;
    case "i32[]":
      w.u32(ValueType.ARRAY);
      w.u32(ValueType.INT32);
      w.u64(v.value.length);
      v.value.forEach((x) => w.i32(x));
      break;
  }
}

/** GGUF v3: header, metadata, tensor infos, then the aligned tensor data. */
export function encodeGguf(meta: Record<string, MetaValue>, tensors: Tensor[]): Buffer {
  const w = new ByteWriter();
  w.raw(Buffer.from("GGUF", "ascii"));
  w.u32(3);
  w.u64(tensors.length);
  w.u64(Object.keys(meta).length);
  for (const [key, value] of Object.entries(meta)) writeMeta(w, key, value);
  let offset = 0;
  for (const t of tensors) {
    w.str(t.name);
    w.u32(t.dims.length);
    t.dims.forEach((d) => w.u64(d));
    w.u32(GGML_TYPE_F32);
    w.u64(offset);
    offset += Math.ceil((t.data.length * 4) / ALIGNMENT) * ALIGNMENT;
  }
  w.pad(ALIGNMENT);
  for (const t of tensors) {
    w.raw(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    w.pad(ALIGNMENT);
  }
  return w.toBuffer();
}

/** Seeded PRNG → approximately normal values (sum of uniforms). */
function randomTensor(seed: number, size: number, scale: number): Float32Array {
  const next = seededRandom(seed);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = (next() + next() + next() - 1.5) * 2 * scale;
  return out;
}

const ones = (n: number) => new Float32Array(n).fill(1);

export interface TinyLlamaShape {
  embedding: number;
  layers: number;
  feedForward: number;
  heads: number;
  contextLength: number;
}

export const TINY_LLAMA_SHAPE: TinyLlamaShape = { embedding: 64, layers: 2, feedForward: 128, heads: 4, contextLength: 2048 };

/** SentencePiece-style vocabulary: <unk>, <s>, </s>, 256 byte tokens, "▁", printable ASCII, a few words. */
export function tinyVocabulary(): { tokens: string[]; scores: number[]; types: number[] } {
  const tokens = ["<unk>", "<s>", "</s>"];
  const types = [2, 3, 3]; // unknown, control, control
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`);
    types.push(6); // byte
  }
  const pieces = ["▁"];
  for (let c = 33; c < 127; c++) pieces.push(String.fromCharCode(c));
  pieces.push("▁the", "▁a", "▁model", "▁data", "▁train", "▁test", "▁score", '▁"', '":', '",', "▁{");
  for (const p of pieces) {
    tokens.push(p);
    types.push(1); // normal
  }
  // SentencePiece prefers higher scores; longer pieces score higher so words merge.
  const scores = tokens.map((t, i) => (types[i] === 1 ? -100 + t.length * 10 - i * 0.001 : 0));
  return { tokens, scores, types };
}

export function tinyLlamaGguf(shape: TinyLlamaShape = TINY_LLAMA_SHAPE, seed = 1): Buffer {
  const vocab = tinyVocabulary();
  const nVocab = vocab.tokens.length;
  const { embedding: e, feedForward: ff, heads } = shape;
  const tensors: Tensor[] = [
    { name: "token_embd.weight", dims: [e, nVocab], data: randomTensor(seed, e * nVocab, 0.5) },
    { name: "output_norm.weight", dims: [e], data: ones(e) },
    { name: "output.weight", dims: [e, nVocab], data: randomTensor(seed + 1, e * nVocab, 0.5) },
  ];
  for (let l = 0; l < shape.layers; l++) {
    const s = seed + 100 * (l + 1);
    tensors.push(
      { name: `blk.${l}.attn_norm.weight`, dims: [e], data: ones(e) },
      { name: `blk.${l}.attn_q.weight`, dims: [e, e], data: randomTensor(s + 1, e * e, 0.1) },
      { name: `blk.${l}.attn_k.weight`, dims: [e, e], data: randomTensor(s + 2, e * e, 0.1) },
      { name: `blk.${l}.attn_v.weight`, dims: [e, e], data: randomTensor(s + 3, e * e, 0.1) },
      { name: `blk.${l}.attn_output.weight`, dims: [e, e], data: randomTensor(s + 4, e * e, 0.1) },
      { name: `blk.${l}.ffn_norm.weight`, dims: [e], data: ones(e) },
      { name: `blk.${l}.ffn_gate.weight`, dims: [e, ff], data: randomTensor(s + 5, e * ff, 0.1) },
      { name: `blk.${l}.ffn_up.weight`, dims: [e, ff], data: randomTensor(s + 6, e * ff, 0.1) },
      { name: `blk.${l}.ffn_down.weight`, dims: [ff, e], data: randomTensor(s + 7, ff * e, 0.1) },
    );
  }
  return encodeGguf(
    {
      "general.architecture": { type: "str", value: "llama" },
      "general.name": { type: "str", value: "tiny-random-llama" },
      "general.file_type": { type: "u32", value: 0 },
      "llama.context_length": { type: "u32", value: shape.contextLength },
      "llama.embedding_length": { type: "u32", value: e },
      "llama.block_count": { type: "u32", value: shape.layers },
      "llama.feed_forward_length": { type: "u32", value: ff },
      "llama.attention.head_count": { type: "u32", value: heads },
      "llama.attention.head_count_kv": { type: "u32", value: heads },
      "llama.rope.dimension_count": { type: "u32", value: e / heads },
      "llama.attention.layer_norm_rms_epsilon": { type: "f32", value: 1e-5 },
      "llama.vocab_size": { type: "u32", value: nVocab },
      "tokenizer.ggml.model": { type: "str", value: "llama" },
      "tokenizer.ggml.tokens": { type: "str[]", value: vocab.tokens },
      "tokenizer.ggml.scores": { type: "f32[]", value: vocab.scores },
      "tokenizer.ggml.token_type": { type: "i32[]", value: vocab.types },
      "tokenizer.ggml.unknown_token_id": { type: "u32", value: 0 },
      "tokenizer.ggml.bos_token_id": { type: "u32", value: 1 },
      "tokenizer.ggml.eos_token_id": { type: "u32", value: 2 },
    },
    tensors,
  );
}

/** A LoRA adapter for tinyLlamaGguf: low-rank deltas on every layer's q and v projections. */
export function tinyLoraGguf(shape: TinyLlamaShape = TINY_LLAMA_SHAPE, rank = 4, seed = 7): Buffer {
  const e = shape.embedding;
  const tensors: Tensor[] = [];
  for (let l = 0; l < shape.layers; l++) {
    for (const proj of ["attn_q", "attn_v"]) {
      const s = seed + l * 10 + (proj === "attn_q" ? 0 : 5);
      // llama.cpp expects lora_a as [n_in, rank] and lora_b as [rank, n_out] (ggml order).
      tensors.push(
        { name: `blk.${l}.${proj}.weight.lora_a`, dims: [e, rank], data: randomTensor(s, e * rank, 0.2) },
        { name: `blk.${l}.${proj}.weight.lora_b`, dims: [rank, e], data: randomTensor(s + 1, rank * e, 0.2) },
      );
    }
  }
  return encodeGguf(
    {
      "general.architecture": { type: "str", value: "llama" },
      "general.type": { type: "str", value: "adapter" },
      "general.name": { type: "str", value: "tiny-random-llama-lora" },
      "adapter.type": { type: "str", value: "lora" },
      "adapter.lora.alpha": { type: "f32", value: rank },
    },
    tensors,
  );
}

/** Writes the tiny model and its adapter into `dir`; returns their paths. */
export function writeTinyModels(dir: string): { modelPath: string; loraPath: string } {
  mkdirSync(dir, { recursive: true });
  const modelPath = join(dir, "tiny-llama.gguf");
  const loraPath = join(dir, "tiny-llama-lora.gguf");
  writeFileSync(modelPath, tinyLlamaGguf());
  writeFileSync(loraPath, tinyLoraGguf());
  return { modelPath, loraPath };
}
