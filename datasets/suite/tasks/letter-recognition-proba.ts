// Built-in task "letter-recognition-proba": Letter Recognition: Class Probabilities.
import type { BuiltinTaskDefinition } from "../definition.js";
import { column, withColumn } from "../frame.js";
import { SEED, TEST_FRACTION, randomNote, LETTERS } from "../recipes.js";
import { loadRDataset } from "../sources.js";
import { assembleFiles, frequenciesOf, randomSplit, round6 } from "../split.js";

export const letterRecognitionProba: BuiltinTaskDefinition = {
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
};
