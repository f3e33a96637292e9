// openml-python's cache folder as an OpenML source, for imports without a network:
//   <cache>/org/openml/www/tasks/<id>/task.xml, datasplits.arff
//   <cache>/org/openml/www/datasets/<id>/description.xml, dataset_<id>.pq + features.xml, or dataset.arff
// The XML records are read into the JSON shape of the REST API, so one reader (records.ts) checks both.
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { confinedPath } from "../mlebench/index.js";
import { exists } from "../task.js";
import { OpenMLError, type OpenMLSource } from "./client.js";
import { readDatasetRecord, readFeaturesRecord, readTaskRecord } from "./records.js";

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
const decode = (text: string) =>
  text
    .replace(/^<!\[CDATA\[([\s\S]*)\]\]>$/, "$1")
    .replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, e: string) =>
      e.startsWith("#x") || e.startsWith("#X") ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith("#") ? String.fromCodePoint(Number(e.slice(1))) : ENTITIES[e.toLowerCase()]!,
    );

/** Every `<oml:tag …>text</oml:tag>` of `xml`, decoded (OpenML's records are flat enough for this). */
function tags(xml: string, tag: string): string[] {
  const re = new RegExp(`<oml:${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</oml:${tag}>`, "g");
  return [...xml.matchAll(re)].map((m) => decode(m[1]!.trim()));
}
const tag = (xml: string, name: string): string | undefined => tags(xml, name)[0];

/** The input block of a task.xml with that name attribute. */
function input(xml: string, name: string): string {
  return new RegExp(`<oml:input\\s+name="${name}"\\s*>([\\s\\S]*?)</oml:input>`).exec(xml)?.[1] ?? "";
}

/** openml-python's parquet copy (`dataset_<id>.pq`, `dataset.pq` before 0.15) when features.xml, which types it, is beside it. */
async function parquetOf(dsDir: string, id: number): Promise<string | null> {
  if (!(await exists(join(dsDir, "features.xml")))) return null;
  for (const name of [`dataset_${id}.pq`, "dataset.pq"]) if (await exists(join(dsDir, name))) return join(dsDir, name);
  return null;
}

/** `<cache>/org/openml/www` when the folder given is openml-python's cache root, else the folder itself. */
async function wwwRoot(dir: string): Promise<string> {
  const root = resolve(dir);
  const nested = join(root, "org", "openml", "www");
  if (await exists(nested)) return nested;
  if ((await exists(join(root, "tasks"))) || (await exists(join(root, "datasets")))) return root;
  throw new OpenMLError(`${root} is not openml-python's cache: expected org/openml/www/tasks/ and datasets/ under it (openml.config.get_cache_directory() prints it)`);
}

export async function cacheSource(dir: string): Promise<OpenMLSource> {
  const www = await wwwRoot(dir);
  const read = async (path: string, what: string, fix: string): Promise<string> => {
    if (!(await exists(path))) throw new OpenMLError(`${what} is not in the cache: ${path} is missing; ${fix}`);
    return readFile(await confinedPath(path, www, what, "the cache"), "utf8");
  };
  const fetchHint = (call: string) => `fetch it once with openml-python (${call}) or import through --server`;
  return {
    where: `openml-python cache ${www}`,
    async task(id) {
      const taskDir = join(www, "tasks", String(id));
      const xml = await read(join(taskDir, "task.xml"), `OpenML task ${id}`, fetchHint(`openml.tasks.get_task(${id})`));
      const source = input(xml, "source_data");
      const measures = tags(input(xml, "evaluation_measures"), "evaluation_measure");
      const procedure = input(xml, "estimation_procedure");
      const json = {
        task: {
          task_id: tag(xml, "task_id") ?? String(id),
          task_name: tag(xml, "task_name"),
          task_type: tag(xml, "task_type") ?? "",
          input: [
            { name: "source_data", data_set: { data_set_id: tag(source, "data_set_id") ?? "", target_feature: tag(source, "target_feature") } },
            // the splits openml-python saved beside task.xml, not the URL it came from
            { name: "estimation_procedure", estimation_procedure: { type: tag(procedure, "type"), data_splits_url: join(taskDir, "datasplits.arff") } },
            { name: "evaluation_measures", evaluation_measures: measures.length > 0 ? { evaluation_measure: measures } : [] },
          ],
        },
      };
      return readTaskRecord(json, join(taskDir, "task.xml"));
    },
    async dataset(id) {
      const dsDir = join(www, "datasets", String(id));
      const xml = await read(join(dsDir, "description.xml"), `OpenML dataset ${id}`, fetchHint(`openml.datasets.get_dataset(${id}, download_data=True)`));
      const arff = join(dsDir, "dataset.arff");
      const parquet = await parquetOf(dsDir, id);
      if (!parquet && !(await exists(arff))) {
        throw new OpenMLError(`OpenML dataset ${id} has neither dataset_${id}.pq with features.xml nor dataset.arff in the cache (${dsDir}): fetch it with openml-python (openml.datasets.get_dataset(${id}, download_data=True)) or import through --server`);
      }
      const field = (name: string) => tag(xml, name);
      const ignore = tags(xml, "ignore_attribute");
      const json = {
        data_set_description: {
          id: field("id") ?? String(id),
          name: field("name") ?? `dataset ${id}`,
          version: field("version"),
          description: field("description"),
          licence: field("licence"),
          citation: field("citation"),
          url: arff,
          ...(parquet ? { parquet_url: parquet } : {}),
          default_target_attribute: field("default_target_attribute"),
          ...(ignore.length > 0 ? { ignore_attribute: ignore } : {}),
          row_id_attribute: field("row_id_attribute"),
        },
      };
      return readDatasetRecord(json, join(dsDir, "description.xml"));
    },
    async study(id) {
      throw new OpenMLError(`OpenML suite ${id}: openml-python's cache holds no suites; import a suite through --server (or its tasks by id with --cache)`);
    },
    // Paths the records above name: always inside the cache.
    text: (path, what) => read(path, what, "fetch the task again with openml-python"),
    parquet: {
      async features(id) {
        const path = join(www, "datasets", String(id), "features.xml");
        const xml = await read(path, `the features of OpenML dataset ${id}`, fetchHint(`openml.datasets.get_dataset(${id})`));
        const blocks = tags(xml, "feature");
        const feature = blocks.map((b) => ({ name: tag(b, "name"), data_type: tag(b, "data_type"), ...(tags(b, "nominal_value").length > 0 ? { nominal_value: tags(b, "nominal_value") } : {}) }));
        return readFeaturesRecord({ data_features: { feature } }, path);
      },
      bytes: async (path, what) => new Uint8Array(await readFile(await confinedPath(path, www, what, "the cache"))),
    },
  };
}
