// Built-in task "chemistry-grades": A-level Chemistry Grades.
import type { BuiltinTaskDefinition } from "../definition.js";
import { drop, mapColumn } from "../frame.js";
import { randomNote, majorityTask } from "../recipes.js";
import { loadRDataset } from "../sources.js";

export const chemistryGrades: BuiltinTaskDefinition = {
  id: "chemistry-grades",
  title: "A-level Chemistry Grades",
  data_type: "tabular",
  metric: { name: "qwk" },
  id_column: "id",
  target_columns: ["score"],
  size: "small",
  overview:
    "Predict the A-level chemistry score (0, 2, 4, 6, 8 or 10 points) of English students in 1997 from their school, sex, age and their average GCSE score. The score is ordinal: predicting 8 for a 10 is a smaller mistake than predicting 0.",
  predict: "the A-level chemistry score (one of 0, 2, 4, 6, 8, 10)",
  columns: {
    lea: "local education authority",
    school: "school id",
    gender: "M or F",
    age: "age in months, centred at 222 months (18.5 years)",
    gcsescore: "average GCSE score",
    gcsecnt: "average GCSE score, centred",
    score: "A-level chemistry score (target)",
  },
  async build() {
    const { frame, info } = await loadRDataset("mlmRev", "Chem97");
    const f = mapColumn(drop(frame, ["student"]), "score", (v) => String(Number(v)));
    return { files: majorityTask(f, "score"), source: info, splitNote: randomNote };
  },
};
