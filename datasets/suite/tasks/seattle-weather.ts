// Built-in task "seattle-weather": Seattle Weather Type.
import type { BuiltinTaskDefinition } from "../definition.js";
import { randomNote, majorityTask } from "../recipes.js";
import { loadVegaCsv } from "../sources.js";

export const seattleWeather: BuiltinTaskDefinition = {
  id: "seattle-weather",
  title: "Seattle Weather Type",
  data_type: "tabular",
  metric: { name: "f1", params: { average: "macro" } },
  id_column: "id",
  target_columns: ["weather"],
  size: "small",
  overview:
    "Daily weather in Seattle, 2012–2015: precipitation, minimum and maximum temperature and wind speed. Classify each day's weather as drizzle, fog, rain, snow or sun. The classes are imbalanced and every class counts the same in the score.",
  predict: "the weather type (drizzle, fog, rain, snow or sun)",
  columns: {
    date: "day",
    precipitation: "precipitation in mm",
    temp_max: "maximum temperature in °C",
    temp_min: "minimum temperature in °C",
    wind: "mean wind speed in m/s",
    weather: "weather type (target)",
  },
  async build() {
    const { frame, info } = await loadVegaCsv("seattle-weather.csv");
    return { files: majorityTask(frame, "weather"), source: info, splitNote: randomNote };
  },
};
