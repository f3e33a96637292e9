// What a built-in task is: its task.json facts, the words of its description.md, and how its files are built.
// Each task is one module under tasks/ (as MLE-bench gives each competition a folder); registry.ts lists them.
import type { MetricName } from "../metric-registry.js";
import type { DATA_TYPES } from "../task.js";
import type { SourceInfo } from "./sources.js";
import type { TaskFiles } from "./split.js";

export type DataType = (typeof DATA_TYPES)[number];

export interface BuiltTask {
  files: TaskFiles;
  source: SourceInfo;
  /** How the split was made, for description.md. */
  splitNote: string;
}

export interface BuiltinTaskDefinition {
  id: string;
  title: string;
  data_type: DataType;
  metric: { name: MetricName; params?: Record<string, string | number | boolean> };
  id_column: string;
  target_columns: string[];
  /** Rough size, for choosing quick subsets. */
  size: "small" | "medium" | "large";
  /** Kaggle-style overview paragraph(s). */
  overview: string;
  /** What a submission row holds, in words. */
  predict: string;
  /** Descriptions of columns (others are listed without one). */
  columns: Record<string, string>;
  build(): Promise<BuiltTask>;
}
