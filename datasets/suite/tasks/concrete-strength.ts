// Built-in task "concrete-strength": Concrete Compressive Strength.
import type { BuiltinTaskDefinition } from "../definition.js";
import { column } from "../frame.js";
import { SEED, TEST_FRACTION, randomNote } from "../recipes.js";
import { loadRDataset } from "../sources.js";
import { assembleFiles, randomSplit, round6 } from "../split.js";

export const concreteStrength: BuiltinTaskDefinition = {
  id: "concrete-strength",
  title: "Concrete Compressive Strength",
  data_type: "tabular",
  metric: { name: "mae" },
  id_column: "id",
  target_columns: ["compressive_strength"],
  size: "small",
  overview:
    "Concrete is the most important material in civil engineering, and its compressive strength is a highly nonlinear function of its age and ingredients. Each row is one concrete sample with the amount of each ingredient (kg per m³ of mixture) and its age in days. Predict its compressive strength in MPa.",
  predict: "the compressive strength in MPa",
  columns: {
    cement: "cement, kg/m³",
    blast_furnace_slag: "blast furnace slag, kg/m³",
    fly_ash: "fly ash, kg/m³",
    water: "water, kg/m³",
    superplasticizer: "superplasticizer, kg/m³",
    coarse_aggregate: "coarse aggregate, kg/m³",
    fine_aggregate: "fine aggregate, kg/m³",
    age: "age in days (1–365)",
    compressive_strength: "compressive strength in MPa (target)",
  },
  async build() {
    const { frame, info } = await loadRDataset("modeldata", "concrete");
    const split = randomSplit(frame, SEED, TEST_FRACTION);
    // MAE is minimised by the median, so the constant sample predicts the training median.
    const values = column(split.train, "compressive_strength").map(Number).sort((a, b) => a - b);
    const median = values.length % 2 ? values[(values.length - 1) / 2]! : (values[values.length / 2 - 1]! + values[values.length / 2]!) / 2;
    return { files: assembleFiles(split, "id", ["compressive_strength"], { compressive_strength: round6(median) }), source: info, splitNote: randomNote };
  },
};
