// Built-in task "ames-house-prices": Ames House Prices.
import type { BuiltinTaskDefinition } from "../definition.js";
import { column, drop, withColumn } from "../frame.js";
import { randomNote, meanTask } from "../recipes.js";
import { loadRDataset } from "../sources.js";

export const amesHousePrices: BuiltinTaskDefinition = {
  id: "ames-house-prices",
  title: "Ames House Prices",
  data_type: "tabular",
  metric: { name: "rmse" },
  id_column: "id",
  target_columns: ["log_sale_price"],
  size: "small",
  overview:
    "Predict the sale price of residential homes in Ames, Iowa, from 73 explanatory variables describing almost every aspect of the house, its lot and the sale. The target is the natural logarithm of the sale price, so that errors on expensive and cheap houses weigh alike.",
  predict: "the natural log of the sale price",
  columns: {
    log_sale_price: "natural logarithm of the sale price in US dollars (target)",
    Gr_Liv_Area: "above-ground living area in square feet",
    Overall_Cond: "overall condition rating",
    Year_Built: "original construction year",
    Neighborhood: "physical location within Ames",
    Longitude: "longitude of the property",
    Latitude: "latitude of the property",
  },
  async build() {
    const { frame, info } = await loadRDataset("modeldata", "ames");
    const logPrice = column(frame, "Sale_Price").map((v) => String(Math.log(Number(v))));
    const f = withColumn(drop(frame, ["Sale_Price"]), "log_sale_price", logPrice);
    return { files: meanTask(f, ["log_sale_price"]), source: info, splitNote: randomNote };
  },
};
