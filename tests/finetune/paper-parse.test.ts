// The free-text → Instruction parser on the layouts of the paper's released completions (hand-made variants):
// three sections numbered or not, any case; combined "architecture and training"; prediction/submission
// headings; other headings left out; bullets that lead with a section name; an unsectioned list of steps.
import { describe, expect, it } from "vitest";
import { DEFAULT_SUBMISSION_STEP, paperMainSectionsPresent, parsePaperInstruction, splitPaperSections } from "../../instructions/index.js";

const ok = (text: string) => {
  const parsed = parsePaperInstruction(text, 2);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.instruction;
};

describe("parsePaperInstruction on the paper's layouts", () => {
  it("reads three numbered sections in any case, with the default submission step when there is none", () => {
    const i = ok("From the code, we can gather the following information:\n\n1. data preprocessing:\n- read train.csv\n- fill missing ages\n\n2. MODEL ARCHITECTURE:\n- a random forest\n\n3. Model Training:\n- fit on all rows");
    expect([i.dataPreprocessing, i.modelArchitecture, i.modelTraining, i.submission]).toEqual([
      ["read train.csv", "fill missing ages"],
      ["a random forest"],
      ["fit on all rows"],
      [DEFAULT_SUBMISSION_STEP],
    ]);
    expect(i.title).toBe("From the code, we can gather the following information:");
  });

  it("fills both sections from a combined heading, the submission from prediction headings, and skips other headings", () => {
    const i = ok(
      "Data Preprocessing:\n- scale the features\n\nModel Architecture and Training:\n- an MLP trained for 10 epochs\n\n" +
        "Model Evaluation:\n- accuracy on a held-out 20%\n\nModel prediction and submission:\n- predict the test set\n- write submission.csv\n\nOther Information:\n- a confusion matrix is plotted",
    );
    expect(i.modelArchitecture).toEqual(["an MLP trained for 10 epochs"]);
    expect(i.modelTraining).toEqual(["an MLP trained for 10 epochs"]);
    expect(i.submission).toEqual(["predict the test set", "write submission.csv"]);
    expect(JSON.stringify(i)).not.toMatch(/confusion matrix|held-out/);
  });

  it("takes bullets that lead with a section name as headings, slashes in headings, and keeps steps that only look like headings", () => {
    const i = ok(
      "- Data Preprocessing: The code reads the data and drops the id column.\n- Model Architecture: An XGBClassifier with depth 3.\n" +
        "Model Training/Evaluation:\nTraining the model:\n- 300 rounds with early stopping",
    );
    expect(i.dataPreprocessing).toEqual(["The code reads the data and drops the id column."]);
    expect(i.modelArchitecture).toEqual(["An XGBClassifier with depth 3."]);
    expect(i.modelTraining).toEqual(["Training the model:", "300 rounds with early stopping"]);
  });

  it("places the steps of an unsectioned list by their wording, and says so", () => {
    const text =
      "The code performs the following tasks:\n\n1. Reads the train and test data from CSV files.\n2. Encodes the categorical columns.\n" +
      "3. Creates a LightGBM classifier with 500 trees.\n4. Trains it with 5-fold cross-validation.\n5. Saves the predictions to submission.csv.";
    const split = splitPaperSections(text);
    expect(split.inferred).toEqual(["dataPreprocessing", "modelArchitecture", "modelTraining"]);
    const i = ok(text);
    expect(i.dataPreprocessing).toEqual(["Reads the train and test data from CSV files.", "Encodes the categorical columns."]);
    expect(i.modelArchitecture).toEqual(["Creates a LightGBM classifier with 500 trees."]);
    expect(i.modelTraining).toEqual(["Trains it with 5-fold cross-validation."]);
    expect(i.submission).toEqual(["Saves the predictions to submission.csv."]);
  });

  it("takes the architecture a training section names when there is no architecture heading; names what is still missing", () => {
    const i = ok("Data preprocessing:\n- impute\nModel training:\n- A RandomForestClassifier with 100 trees is fitted on the data.");
    expect(i.modelArchitecture).toEqual(["A RandomForestClassifier with 100 trees is fitted on the data."]);
    expect(parsePaperInstruction("Data preprocessing:\n- impute\nModel training:\n- fit for 3 epochs", 1)).toEqual({ ok: false, error: "missing or empty section: Model Architecture" });
    expect(paperMainSectionsPresent("Data preprocessing:\n- impute\nModel training:\n- fit for 3 epochs")).toBe(2);
    expect(parsePaperInstruction("I would use a random forest.", 1)).toEqual({ ok: false, error: "missing or empty sections: Data Preprocessing, Model Training" });
  });
});
