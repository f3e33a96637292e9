// The built-in competitions, each made only from data that an installed package ships; one module per task.
import type { BuiltinTaskDefinition } from "./definition.js";
import { diamondsPrice } from "./tasks/diamonds-price.js";
import { telcoChurn } from "./tasks/telco-churn.js";
import { lendingClubDefault } from "./tasks/lending-club-default.js";
import { amesHousePrices } from "./tasks/ames-house-prices.js";
import { concreteStrength } from "./tasks/concrete-strength.js";
import { fineFoodReviews } from "./tasks/fine-food-reviews.js";
import { childGrowthAge } from "./tasks/child-growth-age.js";
import { nasaTemperatureForecast } from "./tasks/nasa-temperature-forecast.js";
import { trumpTweetEngagement } from "./tasks/trump-tweet-engagement.js";
import { letterRecognition } from "./tasks/letter-recognition.js";
import { letterRecognitionProba } from "./tasks/letter-recognition-proba.js";
import { chemistryGrades } from "./tasks/chemistry-grades.js";
import { seattleWeather } from "./tasks/seattle-weather.js";
import { co2Forecast } from "./tasks/co2-forecast.js";
import { flightsDelay } from "./tasks/flights-delay.js";

/** Every built-in task, in the order `tasks list` shows them. */
export const BUILTIN_TASKS: readonly BuiltinTaskDefinition[] = [
  diamondsPrice,
  telcoChurn,
  lendingClubDefault,
  amesHousePrices,
  concreteStrength,
  fineFoodReviews,
  childGrowthAge,
  nasaTemperatureForecast,
  trumpTweetEngagement,
  letterRecognition,
  letterRecognitionProba,
  chemistryGrades,
  seattleWeather,
  co2Forecast,
  flightsDelay,
];

/** A quick subset for benchmarks and smoke tests: small, fast to prepare and to model. */
export const LITE_TASK_IDS = ["concrete-strength", "seattle-weather", "co2-forecast"] as const;

export function findBuiltinTask(id: string): BuiltinTaskDefinition | undefined {
  return BUILTIN_TASKS.find((t) => t.id === id);
}
