// OpenML's task, dataset and study records as the REST API's JSON gives them (api/v1/json), read into the few
// facts an import needs. OpenML's JSON comes from XML, so a list of one is often a bare value: `list` evens it.
import { z } from "zod";

export const DEFAULT_OPENML_SERVER = "https://www.openml.org/api/v1/json";

export interface OpenMLTask {
  id: number;
  name: string;
  /** "Supervised Classification", "Supervised Regression", … */
  type: string;
  datasetId: number;
  target: string;
  /** The task's evaluation measure (e.g. "predictive_accuracy"); null when the task names none. */
  measure: string | null;
  procedure: { type: string; splitsUrl: string | null };
}

export interface OpenMLDataset {
  id: number;
  name: string;
  version: string;
  description: string;
  licence: string | null;
  citation: string | null;
  /** The ARFF file; `parquetUrl` the parquet copy where OpenML has one. */
  url: string | null;
  parquetUrl: string | null;
  defaultTarget: string | null;
  /** Columns OpenML says are not features (an id, a row number, …). */
  ignore: string[];
}

/** A feature as OpenML's features record (data/features/{id}) declares it: the types and nominal values parquet lacks. */
export interface OpenMLFeature {
  name: string;
  type: "numeric" | "nominal" | "string" | "date";
  /** A nominal feature's values in the order OpenML declares them. */
  values?: string[];
}

export interface OpenMLStudy {
  id: number;
  alias: string | null;
  name: string;
  taskIds: number[];
}

const scalar = z.union([z.string(), z.number()]).transform(String);
const list = <T extends z.ZodType>(item: T) => z.union([z.array(item), item.transform((v) => [v])]);

const TaskJson = z.object({
  task: z.object({
    task_id: scalar,
    task_name: z.string().optional(),
    task_type: z.string(),
    input: list(z.looseObject({ name: z.string() })),
  }),
});

const SourceData = z.object({ data_set: z.object({ data_set_id: scalar, target_feature: scalar.optional() }) });
const Procedure = z.object({ estimation_procedure: z.looseObject({ type: z.string().optional(), data_splits_url: z.string().optional() }) });
const Measures = z.object({ evaluation_measures: z.union([z.array(z.unknown()), z.object({ evaluation_measure: list(z.string()) })]) });

const DatasetJson = z.object({
  data_set_description: z.looseObject({
    id: scalar,
    name: z.string(),
    version: scalar.optional(),
    description: z.string().optional(),
    licence: z.string().optional(),
    citation: z.string().optional(),
    url: z.string().optional(),
    parquet_url: z.string().optional(),
    default_target_attribute: z.string().optional(),
    ignore_attribute: list(z.string()).optional(),
    row_id_attribute: z.string().optional(),
  }),
});

const StudyJson = z.object({
  study: z.looseObject({
    id: scalar,
    alias: z.string().optional(),
    name: z.string().optional(),
    tasks: z.object({ task_id: list(scalar) }).optional(),
  }),
});

const FeaturesJson = z.object({
  data_features: z.object({
    feature: list(z.looseObject({ name: z.string(), data_type: z.enum(["numeric", "nominal", "string", "date"]), nominal_value: list(scalar).optional() })),
  }),
});

export class OpenMLRecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OpenMLRecordError";
  }
}

function parseWith<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `field '${i.path.join(".") || "(top level)"}': ${i.message}`).join("; ");
    throw new OpenMLRecordError(`${what} is not an OpenML record as expected: ${issues}`);
  }
  return parsed.data;
}

export function readTaskRecord(raw: unknown, what: string): OpenMLTask {
  const { task } = parseWith(TaskJson, raw, what);
  const input = (name: string) => task.input.find((i) => i.name === name);
  const source = SourceData.safeParse(input("source_data"));
  if (!source.success) throw new OpenMLRecordError(`${what} has no source_data input (the dataset of the task); is it a supervised task?`);
  const procedure = Procedure.safeParse(input("estimation_procedure"));
  const measures = Measures.safeParse(input("evaluation_measures"));
  const measureList = measures.success && !Array.isArray(measures.data.evaluation_measures) ? measures.data.evaluation_measures.evaluation_measure : [];
  return {
    id: Number(task.task_id),
    name: task.task_name ?? `Task ${task.task_id}`,
    type: task.task_type,
    datasetId: Number(source.data.data_set.data_set_id),
    target: source.data.data_set.target_feature ?? "",
    measure: measureList[0] ?? null,
    procedure: {
      type: procedure.success ? (procedure.data.estimation_procedure.type ?? "unknown") : "none",
      splitsUrl: procedure.success ? (procedure.data.estimation_procedure.data_splits_url ?? null) : null,
    },
  };
}

export function readDatasetRecord(raw: unknown, what: string): OpenMLDataset {
  const d = parseWith(DatasetJson, raw, what).data_set_description;
  return {
    id: Number(d.id),
    name: d.name,
    version: d.version ?? "1",
    description: d.description ?? "",
    licence: d.licence?.trim() || null,
    citation: d.citation?.trim() || null,
    url: d.url ?? null,
    parquetUrl: d.parquet_url ?? null,
    defaultTarget: d.default_target_attribute ?? null,
    ignore: [...(d.ignore_attribute ?? []), ...(d.row_id_attribute ? [d.row_id_attribute] : [])],
  };
}

export function readStudyRecord(raw: unknown, what: string): OpenMLStudy {
  const s = parseWith(StudyJson, raw, what).study;
  return { id: Number(s.id), alias: s.alias ?? null, name: s.name ?? `study ${s.id}`, taskIds: (s.tasks?.task_id ?? []).map(Number) };
}

export function readFeaturesRecord(raw: unknown, what: string): OpenMLFeature[] {
  return parseWith(FeaturesJson, raw, what).data_features.feature.map((f) => ({
    name: f.name,
    type: f.data_type,
    ...(f.data_type === "nominal" ? { values: f.nominal_value ?? [] } : {}),
  }));
}
