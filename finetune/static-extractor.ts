// `--extractor static`: reads a solution's code without a model and lists what it visibly does, in the four
// sections. For machines where no capable extractor model is at hand (the embedded 270M base model copies the
// JSON schema instead of summarising, and needs minutes per solution on two busy cores). It is a summary of calls,
// not an understanding of the code: prefer a real model for a corpus meant to teach a planner.
import type { Sections } from "./schema.js";

export const STATIC_EXTRACTOR = "static";

interface Rule {
  section: keyof Sections;
  pattern: RegExp;
  say: (match: RegExpMatchArray) => string;
}

const RULES: Rule[] = [
  { section: "dataPreprocessing", pattern: /read_csv\(\s*[^)]*?["']([^"']+\.csv)["']/g, say: (m) => `Read ${m[1]!.split("/").pop()} with pandas.` },
  { section: "dataPreprocessing", pattern: /\.fillna\(/g, say: () => "Fill missing values." },
  { section: "dataPreprocessing", pattern: /\.dropna\(/g, say: () => "Drop rows or columns with missing values." },
  { section: "dataPreprocessing", pattern: /get_dummies\(|OneHotEncoder\(/g, say: () => "One-hot encode the categorical columns." },
  { section: "dataPreprocessing", pattern: /LabelEncoder\(|pd\.Categorical\(|\.cat\.codes/g, say: () => "Encode categorical columns as integer codes." },
  { section: "dataPreprocessing", pattern: /StandardScaler\(|MinMaxScaler\(|RobustScaler\(/g, say: () => "Scale the numeric features." },
  { section: "dataPreprocessing", pattern: /TfidfVectorizer\(|CountVectorizer\(/g, say: () => "Turn the text columns into TF-IDF / bag-of-words features." },
  { section: "dataPreprocessing", pattern: /to_datetime\(/g, say: () => "Parse the date columns and derive calendar features." },
  { section: "dataPreprocessing", pattern: /np\.log1p\(|np\.log\(/g, say: () => "Log-transform skewed values." },
  {
    section: "modelArchitecture",
    pattern: /\b([A-Z][A-Za-z]*(?:Regressor|Classifier|Regression|SVC|SVR|Ridge|Lasso|ElasticNet|KMeans|NB|Boost[A-Za-z]*))\s*\(/g,
    say: (m) => `Use ${m[1]}.`,
  },
  { section: "modelArchitecture", pattern: /\b(lgb|lightgbm)\.(LGBM\w+|train)\(/g, say: () => "Use a LightGBM gradient-boosting model." },
  { section: "modelArchitecture", pattern: /\b(xgb|xgboost)\.(XGB\w+|train)\(/g, say: () => "Use an XGBoost gradient-boosting model." },
  { section: "modelArchitecture", pattern: /\.(median|mean|mode)\(\)/g, say: (m) => `Predict from the training ${m[1]} where no model applies.` },
  { section: "modelTraining", pattern: /train_test_split\(/g, say: () => "Hold out a validation split with train_test_split." },
  { section: "modelTraining", pattern: /\b(KFold|StratifiedKFold|GroupKFold|TimeSeriesSplit)\(/g, say: (m) => `Cross-validate with ${m[1]}.` },
  { section: "modelTraining", pattern: /cross_val_score\(|cross_validate\(/g, say: () => "Score the model by cross-validation." },
  { section: "modelTraining", pattern: /GridSearchCV\(|RandomizedSearchCV\(|optuna/g, say: () => "Tune hyper-parameters by search." },
  { section: "modelTraining", pattern: /\.fit\(/g, say: () => "Fit the model on the training features." },
  { section: "modelTraining", pattern: /\b(mean_squared_error|mean_absolute_error|roc_auc_score|accuracy_score|f1_score|log_loss|r2_score|cohen_kappa_score)\(/g, say: (m) => `Measure ${m[1]} on held-out data.` },
  { section: "submission", pattern: /\.predict_proba\(/g, say: () => "Predict class probabilities for the test rows." },
  { section: "submission", pattern: /\.predict\(/g, say: () => "Predict the test rows." },
  { section: "submission", pattern: /to_csv\(\s*["']([^"']*submission[^"']*)["']/g, say: (m) => `Write ${m[1]!.split("/").pop()} with the id column and the predictions.` },
];

const FALLBACK: Sections = {
  dataPreprocessing: ["Read the competition's train and test files."],
  modelArchitecture: ["Use the model the solution defines."],
  modelTraining: ["Fit the model on the training data."],
  submission: ["Write submission.csv in the sample submission's format."],
};

/** The four sections from the calls a script makes (each said once, in order of first appearance, at most 6). */
export function staticExtract(code: string): Sections {
  const found: Record<keyof Sections, Array<{ at: number; text: string }>> = {
    dataPreprocessing: [],
    modelArchitecture: [],
    modelTraining: [],
    submission: [],
  };
  for (const rule of RULES) {
    for (const match of code.matchAll(rule.pattern)) {
      const text = rule.say(match);
      if (!found[rule.section].some((f) => f.text === text)) found[rule.section].push({ at: match.index ?? 0, text });
    }
  }
  const out = {} as Sections;
  for (const key of Object.keys(found) as Array<keyof Sections>) {
    const list = found[key].sort((a, b) => a.at - b.at).map((f) => f.text).slice(0, 6);
    out[key] = list.length > 0 ? list : FALLBACK[key];
  }
  return out;
}
