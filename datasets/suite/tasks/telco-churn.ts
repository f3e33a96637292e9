// Built-in task "telco-churn": Telecom Customer Churn.
import type { BuiltinTaskDefinition } from "../definition.js";
import { mapColumn } from "../frame.js";
import { randomNote, meanTask } from "../recipes.js";
import { loadRDataset } from "../sources.js";

export const telcoChurn: BuiltinTaskDefinition = {
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
};
