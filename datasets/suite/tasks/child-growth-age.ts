// Built-in task "child-growth-age": Child Growth: Estimate the Age.
import type { BuiltinTaskDefinition } from "../definition.js";
import { column, select } from "../frame.js";
import { SEED, TEST_FRACTION, randomNote } from "../recipes.js";
import { loadRDataset } from "../sources.js";
import { assembleFiles, randomSplit, round6 } from "../split.js";

export const childGrowthAge: BuiltinTaskDefinition = {
  id: "child-growth-age",
  title: "Child Growth: Estimate the Age",
  data_type: "tabular",
  metric: { name: "mae" },
  id_column: "id",
  target_columns: ["age"],
  size: "small",
  overview:
    "The Fifth Dutch Growth Study measured the height and weight of about 10,000 children aged 0–21. Given a child's region, sex, height and weight, estimate the child's age in years. (Age-standardised scores were removed because they would give the age away.)",
  predict: "the age in years",
  columns: {
    reg: "region of the Netherlands",
    sex: "boy or girl",
    hgt: "height in cm (may be empty)",
    wgt: "weight in kg (may be empty)",
    age: "age in years (target)",
  },
  async build() {
    const { frame, info } = await loadRDataset("mice", "fdgs");
    // hgt.z and wgt.z are standardised for age and would leak it; the original id is dropped for ours.
    const f = select(frame, ["reg", "sex", "hgt", "wgt", "age"]);
    const split = randomSplit(f, SEED, TEST_FRACTION);
    const ages = column(split.train, "age").map(Number).sort((x, y) => x - y);
    const median = ages[Math.floor(ages.length / 2)]!;
    return { files: assembleFiles(split, "id", ["age"], { age: round6(median) }), source: info, splitNote: randomNote };
  },
};
