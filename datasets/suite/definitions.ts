// The built-in competitions: each made only from data that an installed package ships.
import type { MetricName } from "../metric-registry.js";
import { column, drop, mapColumn, rename, rowCount, select, withColumn, type Frame } from "./frame.js";
import { loadFlights3m, loadRDataset, loadVegaCsv, type SourceInfo } from "./sources.js";
import { assembleFiles, frequenciesOf, majorityOf, meanOf, randomSplit, round6, timeSplit, type TaskFiles } from "./split.js";

export type DataType = "tabular" | "text" | "time-series" | "image";

export interface BuiltTask {
  files: TaskFiles;
  source: SourceInfo;
  /** How the split was made, for description.md. */
  splitNote: string;
}

export interface BuiltinTaskDefinition {
  id: string;
  title: string;
  data_type: DataType;
  metric: { name: MetricName; params?: Record<string, string | number | boolean> };
  id_column: string;
  target_columns: string[];
  /** Rough size, for choosing quick subsets. */
  size: "small" | "medium" | "large";
  /** Kaggle-style overview paragraph(s). */
  overview: string;
  /** What a submission row holds, in words. */
  predict: string;
  /** Descriptions of columns (others are listed without one). */
  columns: Record<string, string>;
  build(): Promise<BuiltTask>;
}

const SEED = 20240611;
const TEST_FRACTION = 0.2;

const randomNote = `The rows were shuffled with a fixed seed and numbered; 20% form the test set.`;

function meanSample(train: Frame, targets: string[]): Record<string, string> {
  return Object.fromEntries(targets.map((t) => [t, round6(meanOf(column(train, t)))]));
}

/** Prepares a random-split regression / binary task whose sample predicts the training mean. */
function meanTask(frame: Frame, targets: string[], seed = SEED): TaskFiles {
  const split = randomSplit(frame, seed, TEST_FRACTION);
  return assembleFiles(split, "id", targets, meanSample(split.train, targets));
}

/** Prepares a random-split classification task whose sample predicts the training majority class. */
function majorityTask(frame: Frame, target: string): TaskFiles {
  const split = randomSplit(frame, SEED, TEST_FRACTION);
  return assembleFiles(split, "id", [target], { [target]: majorityOf(column(split.train, target)) });
}

export const BUILTIN_TASKS: readonly BuiltinTaskDefinition[] = [
  {
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
  },
  {
    id: "telco-churn",
    title: "Telecom Customer Churn",
    data_type: "tabular",
    metric: { name: "roc_auc" },
    id_column: "id",
    target_columns: ["churn"],
    size: "small",
    overview:
      "A telephone company wants to know which customers are about to leave. Each row is one customer with the services they subscribe to, their contract and billing, and how long they have been a customer. Predict the probability that the customer churned (left the company).",
    predict: "the probability that the customer churned (churn = 1)",
    columns: {
      churn: "1 if the customer left, 0 otherwise (target)",
      tenure: "months the customer has been with the company",
      monthly_charges: "amount charged per month",
      total_charges: "total amount charged (empty for brand-new customers)",
      contract: "contract term",
      senior_citizen: "1 if the customer is 65 or older",
    },
    async build() {
      const { frame, info } = await loadRDataset("modeldata", "wa_churn");
      const f = mapColumn(frame, "churn", (v) => (v === "Yes" ? "1" : "0"));
      return { files: meanTask(f, ["churn"]), source: info, splitNote: randomNote };
    },
  },
  {
    id: "lending-club-default",
    title: "Lending Club Loan Defaults",
    data_type: "tabular",
    metric: { name: "roc_auc" },
    id_column: "id",
    target_columns: ["bad"],
    size: "small",
    overview:
      "A peer-to-peer lender wants to spot loans that will go bad at the time they are funded. Each row is one funded loan with its amount, term, interest rate and grade, and the borrower's income, employment and credit history. Only about 5% of the loans are bad: predict the probability that a loan is bad.",
    predict: "the probability that the loan is bad (bad = 1)",
    columns: {
      bad: "1 if the loan went bad, 0 if it is in good standing (target)",
      funded_amnt: "amount funded",
      term: "loan term (36 or 60 months)",
      int_rate: "interest rate in percent",
      sub_grade: "lender-assigned grade",
      annual_inc: "borrower's annual income",
      revol_util: "revolving credit utilisation in percent",
    },
    async build() {
      const { frame, info } = await loadRDataset("modeldata", "lending_club");
      const f = rename(mapColumn(frame, "Class", (v) => (v === "bad" ? "1" : "0")), { Class: "bad" });
      return { files: meanTask(f, ["bad"]), source: info, splitNote: randomNote };
    },
  },
  {
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
  },
  {
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
  },
  {
    id: "fine-food-reviews",
    title: "Fine Food Reviews",
    data_type: "text",
    metric: { name: "roc_auc" },
    id_column: "id",
    target_columns: ["great"],
    size: "small",
    overview:
      "Shoppers leave a text review and a star rating for the fine foods they buy online. Using only the product code and the review text, predict the probability that the review's rating is great (5 stars) rather than anything else.",
    predict: "the probability that the review is great (great = 1)",
    columns: {
      product: "product code",
      review: "review text",
      great: "1 if the rating was great (5 stars), 0 otherwise (target)",
    },
    async build() {
      const a = await loadRDataset("modeldata", "small_fine_foods", "training_data");
      const b = await loadRDataset("modeldata", "small_fine_foods", "testing_data");
      const merged: Frame = { header: a.frame.header, columns: a.frame.columns.map((col, i) => [...col, ...column(b.frame, a.frame.header[i]!)]) };
      const f = rename(mapColumn(merged, "score", (v) => (v === "great" ? "1" : "0")), { score: "great" });
      return {
        files: meanTask(f, ["great"]),
        source: { ...a.info, dataset: "small_fine_foods (training_data + testing_data)" },
        splitNote: `The package's training and testing sets were pooled; ${randomNote}`,
      };
    },
  },
  {
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
  },
  {
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
  },
  {
    id: "trump-tweet-engagement",
    title: "Tweet Engagement",
    data_type: "text",
    metric: { name: "mcrmse" },
    id_column: "id",
    target_columns: ["log_retweets", "log_favorites"],
    size: "small",
    overview:
      "How much engagement will a tweet get? Each row is one tweet from Donald Trump's account (2009–2017) with its text, posting time and client. Predict two targets: log(1 + retweet count) and log(1 + favourite count).",
    predict: "log(1 + retweets) and log(1 + favourites)",
    columns: {
      source: "client the tweet was posted from",
      text: "tweet text",
      created_at: "posting time (UTC)",
      is_retweet: "TRUE if the tweet is a retweet",
      in_reply_to_user_id_str: "id of the user replied to (empty if none)",
      log_retweets: "natural log of 1 + retweet count (target)",
      log_favorites: "natural log of 1 + favourite count (target)",
    },
    async build() {
      const { frame, info } = await loadRDataset("dslabs", "trump_tweets");
      const log1p = (name: string) => column(frame, name).map((v) => String(Math.log1p(Number(v))));
      let f = select(frame, ["source", "text", "created_at", "is_retweet", "in_reply_to_user_id_str"]);
      f = withColumn(withColumn(f, "log_retweets", log1p("retweet_count")), "log_favorites", log1p("favorite_count"));
      return { files: meanTask(f, ["log_retweets", "log_favorites"]), source: info, splitNote: randomNote };
    },
  },
  {
    id: "letter-recognition",
    title: "Letter Recognition",
    data_type: "tabular",
    metric: { name: "accuracy" },
    id_column: "id",
    target_columns: ["lettr"],
    size: "small",
    overview:
      "Identify which of the 26 capital letters of the English alphabet a black-and-white rectangular pixel display shows. The character images came from 20 fonts with random distortions; each was reduced to 16 integer statistical features (moments and edge counts) scaled to 0–15.",
    predict: "the letter (A–Z)",
    columns: {
      lettr: "capital letter (target)",
      "x.box": "horizontal position of box",
      "y.box": "vertical position of box",
      width: "width of box",
      high: "height of box",
      onpix: "total number of on pixels",
    },
    async build() {
      const { frame, info } = await loadRDataset("mlbench", "LetterRecognition");
      return { files: majorityTask(frame, "lettr"), source: info, splitNote: randomNote };
    },
  },
  {
    id: "letter-recognition-proba",
    title: "Letter Recognition: Class Probabilities",
    data_type: "tabular",
    metric: { name: "log_loss" },
    id_column: "id",
    target_columns: LETTERS(),
    size: "small",
    overview:
      "Identify which of the 26 capital letters of the English alphabet a black-and-white rectangular pixel display shows, this time with calibrated probabilities. The character images came from 20 fonts with random distortions; each was reduced to 16 integer statistical features scaled to 0–15. Submit one probability per letter.",
    predict: "one probability per letter, in columns A to Z",
    columns: { lettr: "capital letter (train only)" },
    async build() {
      const { frame, info } = await loadRDataset("mlbench", "LetterRecognition");
      const letters = LETTERS();
      const split = randomSplit(frame, SEED + 1, TEST_FRACTION);
      const truth = column(split.test, "lettr");
      let test = split.test;
      for (const l of letters) test = withColumn(test, l, truth.map((v) => (v === l ? "1" : "0")));
      const freq = frequenciesOf(column(split.train, "lettr"), letters);
      const sample = Object.fromEntries(letters.map((l, i) => [l, round6(freq[i]!)]));
      return { files: assembleFiles({ train: split.train, test }, "id", letters, sample, [...letters, "lettr"]), source: info, splitNote: randomNote };
    },
  },
  {
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
  },
  {
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
  },
  {
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
  },
  {
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
  },
];

function LETTERS(): string[] {
  return Array.from({ length: 26 }, (_, i) => String.fromCharCode(65 + i));
}

/** A quick subset for benchmarks and smoke tests: small, fast to prepare and to model. */
export const LITE_TASK_IDS = ["concrete-strength", "seattle-weather", "co2-forecast"] as const;

export function findBuiltinTask(id: string): BuiltinTaskDefinition | undefined {
  return BUILTIN_TASKS.find((t) => t.id === id);
}
