// Built-in task "lending-club-default": Lending Club Loan Defaults.
import type { BuiltinTaskDefinition } from "../definition.js";
import { mapColumn, rename } from "../frame.js";
import { randomNote, meanTask } from "../recipes.js";
import { loadRDataset } from "../sources.js";

export const lendingClubDefault: BuiltinTaskDefinition = {
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
};
