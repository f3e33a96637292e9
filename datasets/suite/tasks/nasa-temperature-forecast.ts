// Built-in task "nasa-temperature-forecast": NASA Climate Grid: Forecast the Last Year.
import type { BuiltinTaskDefinition } from "../definition.js";
import { column, rename, select } from "../frame.js";
import { meanSample } from "../recipes.js";
import { loadRDataset } from "../sources.js";
import { assembleFiles, timeSplit } from "../split.js";

export const nasaTemperatureForecast: BuiltinTaskDefinition = {
  id: "nasa-temperature-forecast",
  title: "NASA Climate Grid: Forecast the Last Year",
  data_type: "time-series",
  metric: { name: "rmse" },
  id_column: "id",
  target_columns: ["temperature"],
  size: "small",
  overview:
    "NASA's 1995–2000 climate grid covers Central America with 24 × 24 cells observed monthly: cloud cover, ozone, pressure, surface and air temperature. You get the first five years for every cell. Forecast the near-surface air temperature (kelvin) of every cell for each month of the final year, knowing only where and when.",
  predict: "the near-surface air temperature in kelvin",
  columns: {
    time: "month index, 1 = January 1995",
    date: "first day of the month",
    location: "grid cell id 'x-y'",
    x: "grid column (1–24)",
    y: "grid row (1–24)",
    lat: "latitude",
    long: "longitude",
    month: "month of the year",
    year: "year",
    cloudhigh: "high cloud cover, % (train only)",
    cloudmid: "mid-level cloud cover, % (train only)",
    cloudlow: "low cloud cover, % (train only)",
    ozone: "mean ozone abundance, Dobson units (train only)",
    pressure: "mean surface pressure, millibars (train only)",
    surftemp: "mean surface temperature, K (train only)",
    temperature: "mean near-surface air temperature, K (target)",
  },
  async build() {
    const { frame, info } = await loadRDataset("GGally", "nasa");
    const f = rename(select(frame, ["time", "date", "id", "x", "y", "lat", "long", "month", "year", "cloudhigh", "cloudmid", "cloudlow", "ozone", "pressure", "surftemp", "temperature"]), { id: "location" });
    const time = column(f, "time").map(Number);
    const last = Math.max(...time);
    const split = timeSplit(f, (r) => time[r]! > last - 12);
    const covariates = ["cloudhigh", "cloudmid", "cloudlow", "ozone", "pressure", "surftemp"];
    return {
      files: assembleFiles(split, "id", ["temperature"], meanSample(split.train, ["temperature"]), ["temperature", ...covariates]),
      source: info,
      splitNote: "Split by time: the last 12 months form the test set, which keeps only the place and time columns (the other climate variables of those months are not known at forecast time).",
    };
  },
};
