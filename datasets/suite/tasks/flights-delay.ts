// Built-in task "flights-delay": US Flight Delays (3 million flights).
import type { BuiltinTaskDefinition } from "../definition.js";
import { type Frame } from "../frame.js";
import { randomNote, meanTask } from "../recipes.js";
import { loadFlights3m } from "../sources.js";

export const flightsDelay: BuiltinTaskDefinition = {
  id: "flights-delay",
  title: "US Flight Delays (3 million flights)",
  data_type: "tabular",
  metric: { name: "roc_auc" },
  id_column: "id",
  target_columns: ["delayed"],
  size: "large",
  overview:
    "Three million US domestic flights with their scheduled departure time, distance, origin and destination airport. Predict the probability that a flight arrives more than 15 minutes late. The data set is large: mind memory and time.",
  predict: "the probability that the flight is delayed by more than 15 minutes (delayed = 1)",
  columns: {
    date: "departure date and time",
    distance: "distance in miles",
    origin: "origin airport code",
    destination: "destination airport code",
    delayed: "1 if the arrival delay exceeded 15 minutes (target)",
  },
  async build() {
    const { columns: c, info } = await loadFlights3m();
    const frame: Frame = {
      header: ["date", "distance", "origin", "destination", "delayed"],
      columns: [c.date, Array.from(c.distance, String), c.origin, c.destination, Array.from(c.delay, (d) => (d > 15 ? "1" : "0"))],
    };
    return { files: meanTask(frame, ["delayed"]), source: info, splitNote: randomNote };
  },
};
