// Reads the raw data that installed packages ship: R datasets through `Rscript`, vega-datasets files from
// node_modules (CSV, and the ZSTD-compressed parquet through hyparquet). Nothing is downloaded.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { z } from "zod";
import { readCsv } from "../csv.js";
import { frameFromTable, type Frame } from "./frame.js";

const execFileAsync = promisify(execFile);

export interface SourceInfo {
  kind: "cran" | "npm" | "openml";
  package: string;
  version: string;
  license: string;
  dataset: string;
  url?: string;
  notes?: string;
  /** How the data's authors ask to be cited (OpenML datasets name it). */
  citation?: string;
}

export interface LoadedSource {
  frame: Frame;
  info: SourceInfo;
}

export class SourceUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SourceUnavailableError";
  }
}

// Exports one data object as CSV; POSIXct columns as UTC text; prints version and license of the package.
const R_EXPORT = String.raw`
args <- commandArgs(trailingOnly = TRUE)
pkg <- args[1]; name <- args[2]; obj <- args[3]; out <- args[4]
if (!requireNamespace(pkg, quietly = TRUE)) { cat("MISSING_PACKAGE\n"); quit(status = 3) }
e <- new.env()
suppressWarnings(data(list = name, package = pkg, envir = e))
if (!exists(obj, envir = e)) { cat("MISSING_OBJECT\n"); quit(status = 4) }
d <- as.data.frame(get(obj, envir = e))
for (col in names(d)) {
  if (inherits(d[[col]], "POSIXt")) d[[col]] <- format(d[[col]], "%Y-%m-%d %H:%M:%S", tz = "UTC")
  else if (inherits(d[[col]], "Date")) d[[col]] <- format(d[[col]], "%Y-%m-%d")
  else if (is.factor(d[[col]])) d[[col]] <- as.character(d[[col]])
}
write.csv(d, out, row.names = FALSE, na = "", fileEncoding = "UTF-8")
cat(as.character(packageVersion(pkg)), "\t", packageDescription(pkg)$License, "\n", sep = "")
`;

/** Debian package that ships an R package (r-cran-<lower-case name>). */
export const debianPackageOf = (rPackage: string): string => `r-cran-${rPackage.toLowerCase()}`;

/** Loads `obj` from `data(name, package = pkg)` with Rscript. */
export async function loadRDataset(pkg: string, name: string, obj: string = name): Promise<LoadedSource> {
  const dir = await mkdtemp(join(tmpdir(), "lc-rdata-"));
  const out = join(dir, `${obj}.csv`);
  try {
    let stdout: string;
    try {
      ({ stdout } = await execFileAsync("Rscript", ["--vanilla", "-e", R_EXPORT, pkg, name, obj, out], {
        maxBuffer: 1 << 20,
        timeout: 600_000,
      }));
    } catch (error) {
      const e = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
      if (e.code === "ENOENT") {
        throw new SourceUnavailableError(`Rscript not found; install R and the data package: apt-get install -y r-base-core ${debianPackageOf(pkg)}`);
      }
      if (e.stdout?.includes("MISSING_PACKAGE")) {
        throw new SourceUnavailableError(`R package '${pkg}' is not installed; install it: apt-get install -y ${debianPackageOf(pkg)}`);
      }
      if (e.stdout?.includes("MISSING_OBJECT")) throw new SourceUnavailableError(`R package '${pkg}' has no dataset '${obj}' (data(${name}))`);
      throw new SourceUnavailableError(`Rscript failed to export ${pkg}::${obj}: ${(e.stderr ?? e.message).trim().split("\n").slice(-3).join(" ")}`);
    }
    const [version, license] = stdout.trim().split("\t");
    const table = await readCsv(out);
    return {
      frame: frameFromTable(table),
      info: { kind: "cran", package: pkg, version: version ?? "unknown", license: license ?? "unknown", dataset: obj, url: `https://cran.r-project.org/package=${pkg}` },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const VegaPackageSchema = z.object({ version: z.string(), license: z.string() });
const VegaDataPackageSchema = z.object({
  resources: z.array(
    z.object({
      path: z.string(),
      licenses: z.array(z.object({ name: z.string().optional(), title: z.string().optional() })).optional(),
      sources: z.array(z.object({ title: z.string().optional(), path: z.string().optional() })).optional(),
    }),
  ),
});

/** Folder of the installed vega-datasets package. */
export function vegaDatasetsDir(): string {
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = require.resolve("vega-datasets");
  } catch {
    throw new SourceUnavailableError("npm package vega-datasets is not installed; run 'npm ci'");
  }
  // entry is <pkg>/build/index.js
  return dirname(dirname(entry));
}

async function vegaInfo(file: string): Promise<SourceInfo> {
  const dir = vegaDatasetsDir();
  const pkg = VegaPackageSchema.parse(JSON.parse(await readFile(join(dir, "package.json"), "utf8")));
  const dp = VegaDataPackageSchema.parse(JSON.parse(await readFile(join(dir, "datapackage.json"), "utf8")));
  const resource = dp.resources.find((r) => r.path === file);
  const dataLicense = resource?.licenses?.map((l) => l.title ?? l.name).join("; ");
  const source = resource?.sources?.map((s) => s.title).filter(Boolean).join("; ");
  return {
    kind: "npm",
    package: "vega-datasets",
    version: pkg.version,
    license: dataLicense ? `${dataLicense} (package: ${pkg.license})` : pkg.license,
    dataset: file,
    url: "https://www.npmjs.com/package/vega-datasets",
    ...(source ? { notes: `original source: ${source}` } : {}),
  };
}

export async function loadVegaCsv(file: string): Promise<LoadedSource> {
  const table = await readCsv(join(vegaDatasetsDir(), "data", file));
  return { frame: frameFromTable(table), info: await vegaInfo(file) };
}

/** Column-wise contents of flights-3m.parquet. */
export interface FlightsColumns {
  /** Departure time as "YYYY-MM-DD HH:MM". */
  date: string[];
  delay: Int32Array;
  distance: Int32Array;
  origin: string[];
  destination: string[];
}

export async function loadFlights3m(): Promise<{ columns: FlightsColumns; info: SourceInfo }> {
  const { asyncBufferFromFile, parquetMetadataAsync, parquetRead } = await import("hyparquet");
  const { compressors } = await import("hyparquet-compressors");
  const file = await asyncBufferFromFile(join(vegaDatasetsDir(), "data", "flights-3m.parquet"));
  const metadata = await parquetMetadataAsync(file);
  const n = Number(metadata.num_rows);
  const cols: FlightsColumns = {
    date: new Array<string>(n),
    delay: new Int32Array(n),
    distance: new Int32Array(n),
    origin: new Array<string>(n),
    destination: new Array<string>(n),
  };
  await parquetRead({
    file,
    metadata,
    compressors,
    columns: ["date", "delay", "distance", "origin", "destination"],
    onChunk: ({ columnName, columnData, rowStart, rowEnd }) => {
      for (let r = rowStart, i = 0; r < rowEnd && r < n; r++, i++) {
        const v = columnData[i] as unknown;
        switch (columnName) {
          case "date":
            cols.date[r] = (v as Date).toISOString().slice(0, 16).replace("T", " ");
            break;
          case "delay":
            cols.delay[r] = Number(v);
            break;
          case "distance":
            cols.distance[r] = Number(v);
            break;
          case "origin":
            cols.origin[r] = String(v);
            break;
          case "destination":
            cols.destination[r] = String(v);
            break;
        }
      }
    },
  });
  return { columns: cols, info: await vegaInfo("flights-3m.parquet") };
}
