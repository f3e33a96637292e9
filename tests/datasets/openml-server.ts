// A local stand-in for OpenML's REST API: task, dataset, features and study JSON shaped as api/v1/json gives them,
// and the ARFF / parquet data and split files they point at, all written by the test. Unknown paths answer 404 with
// OpenML's error record.
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import { promisify } from "node:util";
import type { AddressInfo } from "node:net";
import { pyarrowPython } from "./pyarrow.js";

export interface FakeOpenML {
  /** The JSON API root to pass as --server. */
  server: string;
  /** The server's origin, for file URLs in records. */
  origin: string;
  /** Serves `body` at `path` (bytes as they are, JSON for other objects). */
  route(path: string, body: unknown): void;
  requests: string[];
  close(): Promise<void>;
}

export async function startFakeOpenML(): Promise<FakeOpenML> {
  const routes = new Map<string, { type: string; text: string | Uint8Array }>();
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? "");
    const hit = routes.get(req.url ?? "");
    if (!hit) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "152", message: "Unknown task" } }));
      return;
    }
    res.writeHead(200, { "content-type": hit.type });
    res.end(hit.text);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    server: `${origin}/api/v1/json`,
    origin,
    requests,
    route: (path, body) =>
      routes.set(
        path,
        typeof body === "string" ? { type: "text/plain", text: body } : body instanceof Uint8Array ? { type: "application/octet-stream", text: body } : { type: "application/json", text: JSON.stringify(body) },
      ),
    close: () => new Promise((done) => server.close(() => done())),
  };
}

/** A task record as OpenML's JSON API shapes one (single-element lists as bare objects, as OpenML does). */
export function taskJson(o: { id: number; type: "Supervised Classification" | "Supervised Regression"; datasetId: number; target: string; measure: string | null; splitsUrl: string }) {
  return {
    task: {
      task_id: String(o.id),
      task_name: `Task ${o.id}`,
      task_type_id: o.type === "Supervised Classification" ? "1" : "2",
      task_type: o.type,
      input: [
        { name: "source_data", data_set: { data_set_id: String(o.datasetId), target_feature: o.target } },
        {
          name: "estimation_procedure",
          estimation_procedure: { id: "1", type: "crossvalidation", data_splits_url: o.splitsUrl, parameter: [{ name: "number_repeats", value: "1" }, { name: "number_folds", value: "2" }] },
        },
        { name: "cost_matrix", cost_matrix: [] },
        { name: "evaluation_measures", evaluation_measures: o.measure ? { evaluation_measure: o.measure } : [] },
      ],
      output: { name: "predictions" },
    },
  };
}

export function datasetJson(o: { id: number; name: string; url: string; parquetUrl?: string; licence?: string; citation?: string; target: string; ignore?: string }) {
  return {
    data_set_description: {
      id: String(o.id),
      name: o.name,
      version: "1",
      description: `**Author**: Test\n\nThe ${o.name} data, written by the test.`,
      format: "ARFF",
      ...(o.licence ? { licence: o.licence } : {}),
      ...(o.citation ? { citation: o.citation } : {}),
      url: o.url,
      ...(o.parquetUrl ? { parquet_url: o.parquetUrl } : {}),
      default_target_attribute: o.target,
      ...(o.ignore ? { ignore_attribute: o.ignore } : {}),
      status: "active",
    },
  };
}

/** OpenML's splits file: 2-fold cross-validation, rows alternating between the folds (repeat 0 and a repeat 1 that must be ignored). */
export function splitsArff(rows: number): string {
  const lines = ["@RELATION splits", "@ATTRIBUTE type {TRAIN,TEST}", "@ATTRIBUTE rowid NUMERIC", "@ATTRIBUTE repeat NUMERIC", "@ATTRIBUTE fold NUMERIC", "@DATA"];
  for (const repeat of [0, 1]) {
    for (const fold of [0, 1]) {
      for (let r = 0; r < rows; r++) {
        const inTest = (r + repeat) % 2 === fold;
        lines.push(`${inTest ? "TEST" : "TRAIN"},${r},${repeat},${fold}`);
      }
    }
  }
  return lines.join("\n") + "\n";
}

export const N_BIN = 20;
/** Binary data sorted by class (as many OpenML files are), with an ignored row number, quoted nominal values and a missing value. */
export function pimaArff(): string {
  const rows = Array.from({ length: N_BIN }, (_, r) => {
    const cls = r < 12 ? "tested_negative" : "tested_positive";
    const blood = r % 3 === 0 ? "'B,-'" : "'A+'";
    const plas = r === 5 ? "?" : String(80 + r * 5);
    return `${r},${plas},${blood},${cls}`;
  });
  return [
    "% Pima mini, written by the test",
    "@RELATION pima-mini",
    "",
    "@ATTRIBUTE row_nr NUMERIC",
    "@ATTRIBUTE plas REAL",
    "@ATTRIBUTE 'blood type' {'A+','B,-'}",
    "@ATTRIBUTE class {tested_negative,tested_positive}",
    "@DATA",
    "% a comment among the rows",
    ...rows,
  ].join("\n");
}

export const N_REG = 16;
const mpgOf = (r: number) => (40 - r * 1.5).toFixed(1);
export function carsArff(): string {
  const origins = ["usa", "europe", "japan"];
  return ["@relation cars", "@attribute weight integer", "@attribute origin {usa,europe,japan}", "@attribute mpg numeric", "@data", ...Array.from({ length: N_REG }, (_, r) => `${2000 + r * 100},${origins[r % 3]},${mpgOf(r)}`)].join("\n");
}

export const N_IRIS = 18;
export function irisArff(): string {
  const classes = ["setosa", "versicolor", "virginica"];
  return ["@relation iris", "@attribute petal_length numeric", "@attribute class {setosa,versicolor,virginica}", "@data", ...Array.from({ length: N_IRIS }, (_, r) => `${1 + (r % 3) * 2}.${r},${classes[r % 3]}`)].join("\n");
}

/** A features record as OpenML's JSON API gives one (data/features/{id}): name, type and nominal values per column. */
export function featuresJson(features: { name: string; type: "numeric" | "nominal" | "string"; values?: string[] }[]) {
  return {
    data_features: {
      feature: features.map((f, index) => ({
        index: String(index),
        name: f.name,
        data_type: f.type,
        ...(f.values ? { nominal_value: f.values.length === 1 ? f.values[0] : f.values } : {}),
        is_target: "false",
        is_ignore: "false",
        is_row_identifier: "false",
        number_of_missing_values: "0",
      })),
    },
  };
}

export const N_GLASS = 24;
/** Four classes in unequal shares (12, 6, 4, 2 rows; the test fold holds half of each), so a weighted AUC differs from a macro one. */
export const glassClassOf = (r: number) => (r < 12 ? "build" : r < 18 ? "vehic" : r < 22 ? "contain" : "head");
export function glassArff(): string {
  return ["@relation glass", "@attribute refractive numeric", "@attribute type {build,vehic,contain,head}", "@data", ...Array.from({ length: N_GLASS }, (_, r) => `${(1.5 + ((r * 7) % 11) / 100).toFixed(2)},${glassClassOf(r)}`)].join("\n");
}

/** The pima-mini rows (as pimaArff writes them) as a parquet file the way OpenML's are: nominal columns as dictionary-encoded strings. */
const WRITE_PARQUET = `
import sys, pyarrow as pa, pyarrow.parquet as pq
rows = range(int(sys.argv[2]))
table = pa.table({
    "row_nr": pa.array(list(rows), pa.int64()),
    "plas": pa.array([None if r == 5 else 80.0 + r * 5 for r in rows], pa.float64()),
    "blood type": pa.array(["B,-" if r % 3 == 0 else "A+" for r in rows]).dictionary_encode(),
    "class": pa.array(["tested_negative" if r < 12 else "tested_positive" for r in rows]).dictionary_encode(),
})
pq.write_table(table, sys.argv[1])
`;
export const PIMA_FEATURES = [
  { name: "row_nr", type: "numeric" as const },
  { name: "plas", type: "numeric" as const },
  { name: "blood type", type: "nominal" as const, values: ["A+", "B,-"] },
  { name: "class", type: "nominal" as const, values: ["tested_negative", "tested_positive"] },
];

/** Writes pimaArff's rows as parquet at `path` (pyarrow, from the venv of ./pyarrow.ts). */
export async function writePimaParquet(path: string): Promise<void> {
  await promisify(execFile)(await pyarrowPython(), ["-c", WRITE_PARQUET, path, String(N_BIN)]);
}

/** PIMA_FEATURES as openml-python caches them (features.xml, the XML of data/features/{id}). */
export function pimaFeaturesXml(): string {
  const feature = (f: (typeof PIMA_FEATURES)[number], i: number) =>
    `  <oml:feature>\n    <oml:index>${i}</oml:index>\n    <oml:name>${f.name}</oml:name>\n    <oml:data_type>${f.type}</oml:data_type>\n${((f as { values?: readonly string[] }).values ?? []).map((v) => `    <oml:nominal_value>${v}</oml:nominal_value>\n`).join("")}  </oml:feature>\n`;
  return `<oml:data_features xmlns:oml="http://openml.org/openml">\n${PIMA_FEATURES.map(feature).join("")}</oml:data_features>\n`;
}
