// Built-in task "letter-recognition": Letter Recognition.
import type { BuiltinTaskDefinition } from "../definition.js";
import { randomNote, majorityTask } from "../recipes.js";
import { loadRDataset } from "../sources.js";

export const letterRecognition: BuiltinTaskDefinition = {
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
};
