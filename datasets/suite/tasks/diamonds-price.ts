// Built-in task "diamonds-price": Diamond Prices.
import type { BuiltinTaskDefinition } from "../definition.js";
import { randomNote, meanTask } from "../recipes.js";
import { loadRDataset } from "../sources.js";

export const diamondsPrice: BuiltinTaskDefinition = {
  id: "diamonds-price",
  title: "Diamond Prices",
  data_type: "tabular",
  metric: { name: "rmse" },
  id_column: "id",
  target_columns: ["price"],
  size: "medium",
  overview:
    "A jeweller wants to price stones from their grading report alone. Each row is one round-cut diamond with its weight, the quality of its cut, its colour and clarity grade and its measured proportions. Predict the price in US dollars.",
  predict: "the price in US dollars",
  columns: {
    carat: "weight of the diamond (0.2–5.01)",
    cut: "quality of the cut (Fair, Good, Very Good, Premium, Ideal)",
    color: "colour grade, from D (best) to J (worst)",
    clarity: "clarity grade (I1 worst, SI2, SI1, VS2, VS1, VVS2, VVS1, IF best)",
    depth: "total depth percentage = z / mean(x, y) = 2 * z / (x + y)",
    table: "width of the top of the diamond relative to its widest point",
    x: "length in mm",
    y: "width in mm",
    z: "depth in mm",
    price: "price in US dollars (target)",
  },
  async build() {
    const { frame, info } = await loadRDataset("ggplot2", "diamonds");
    return { files: meanTask(frame, ["price"]), source: info, splitNote: randomNote };
  },
};
