// OpenML's parquet copy of a dataset (the description's parquet_url, what openml-python downloads by default) read
// with hyparquet into the shape the ARFF reader gives: the columns as text, typed by OpenML's features record —
// parquet holds a nominal column as plain strings, not the declared classes and their order the import needs.
import type { Arff, ArffAttribute } from "./arff.js";
import { OpenMLError } from "./client.js";
import type { OpenMLFeature } from "./records.js";

/** A parquet cell as the CSV files hold it: missing (null, NaN) empty, numbers and bigints in decimal, dates ISO. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isNaN(value) ? "" : String(value);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  return String(value);
}

export interface ParquetDataInput {
  bytes: Uint8Array;
  features: readonly OpenMLFeature[];
  relation: string;
  /** Names the file in errors ("the data of OpenML dataset 61 (url)"). */
  what: string;
}

export async function readParquetData(input: ParquetDataInput): Promise<Arff> {
  const [{ parquetMetadata, parquetReadObjects }, { compressors }] = await Promise.all([import("hyparquet"), import("hyparquet-compressors")]);
  const file = input.bytes.buffer.slice(input.bytes.byteOffset, input.bytes.byteOffset + input.bytes.byteLength) as ArrayBuffer;
  let rows: Record<string, unknown>[];
  let names: string[];
  try {
    names = parquetMetadata(file).schema.slice(1).map((s) => s.name);
    rows = await parquetReadObjects({ file, compressors });
  } catch (error) {
    throw new OpenMLError(`${input.what} is not a readable parquet file (${(error as Error).message}); import the task from its ARFF data instead (an openml-python cache or a server without parquet_url)`);
  }
  const missing = input.features.filter((f) => !names.includes(f.name)).map((f) => f.name);
  if (missing.length > 0) throw new OpenMLError(`${input.what} lacks the column(s) ${missing.slice(0, 8).join(", ")} that OpenML's features record names; the parquet file does not belong to this dataset`);
  const attributes: ArffAttribute[] = input.features.map((f) => ({ name: f.name, type: f.type, ...(f.values ? { values: f.values } : {}) }));
  const columns = attributes.map((a) => rows.map((row) => cellText(row[a.name])));
  return { relation: input.relation, attributes, frame: { header: attributes.map((a) => a.name), columns } };
}
