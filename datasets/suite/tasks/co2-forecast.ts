// Built-in task "co2-forecast": Mauna Loa CO₂: Forecast Three Years.
import type { BuiltinTaskDefinition } from "../definition.js";
import { rowCount } from "../frame.js";
import { meanSample } from "../recipes.js";
import { loadVegaCsv } from "../sources.js";
import { assembleFiles, timeSplit } from "../split.js";

export const co2Forecast: BuiltinTaskDefinition = {
  id: "co2-forecast",
  title: "Mauna Loa CO₂: Forecast Three Years",
  data_type: "time-series",
  metric: { name: "rmse" },
  id_column: "Date",
  target_columns: ["CO2"],
  size: "small",
  overview:
    "The Mauna Loa Observatory has measured the CO₂ concentration of the atmosphere monthly since 1958. Given the record up to three years before its end, forecast the monthly concentration (ppm) for the final 36 months.",
  predict: "the CO₂ concentration in ppm",
  columns: {
    Date: "month (first day), also the row id",
    CO2: "CO₂ concentration in ppm (target)",
    "adjusted CO2": "seasonally adjusted concentration in ppm (train only)",
  },
  async build() {
    const { frame, info } = await loadVegaCsv("co2-concentration.csv");
    const n = rowCount(frame);
    const split = timeSplit(frame, (r) => r >= n - 36, "Date");
    return {
      files: assembleFiles(split, "Date", ["CO2"], meanSample(split.train, ["CO2"]), ["CO2", "adjusted CO2"]),
      source: info,
      splitNote: "Split by time: the last 36 months form the test set.",
    };
  },
};
