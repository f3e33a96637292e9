// Built-in task "fine-food-reviews": Fine Food Reviews.
import type { BuiltinTaskDefinition } from "../definition.js";
import { column, mapColumn, rename, type Frame } from "../frame.js";
import { randomNote, meanTask } from "../recipes.js";
import { loadRDataset } from "../sources.js";

export const fineFoodReviews: BuiltinTaskDefinition = {
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
};
