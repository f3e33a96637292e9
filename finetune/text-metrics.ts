// Text measures of instruction quality: ROUGE-L (longest common subsequence of words, F1 — the measure the
// instruction-generation literature reports), the libraries and techniques an instruction names and their overlap
// with a reference's, and the distinct-instruction rate across places (do the answers for ranks 1–3 differ?).

/** Lower-case words (letters and digits) — the tokens ROUGE-L compares. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

function lcsLength(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let previous = new Uint32Array(b.length + 1);
  let current = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      current[j] = a[i - 1] === b[j - 1] ? previous[j - 1]! + 1 : Math.max(previous[j]!, current[j - 1]!);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length]!;
}

/** ROUGE-L F1 of a candidate against one reference (0 when either is empty). */
export function rougeL(candidate: string, reference: string): number {
  const c = words(candidate);
  const r = words(reference);
  const lcs = lcsLength(c, r);
  if (lcs === 0) return 0;
  const precision = lcs / c.length;
  const recall = lcs / r.length;
  return (2 * precision * recall) / (precision + recall);
}

/** The best ROUGE-L against any of the references (a competition has several valid solutions). */
export function bestRougeL(candidate: string, references: readonly string[]): number {
  return references.reduce((best, reference) => Math.max(best, rougeL(candidate, reference)), 0);
}

// Libraries and techniques, each a canonical name and the spellings that name it.
const TERMS: ReadonlyArray<[string, RegExp]> = [
  ["pandas", /\bpandas\b|\bpd\.\w/],
  ["numpy", /\bnumpy\b|\bnp\.\w/],
  ["scikit-learn", /\bsklearn\b|scikit[- ]learn/],
  ["xgboost", /\bxgb\w*|xgboost/],
  ["lightgbm", /lightgbm|\blgbm\w*|\blgb\b/],
  ["catboost", /catboost/],
  ["keras", /\bkeras\b/],
  ["tensorflow", /tensorflow|\btf\.\w/],
  ["pytorch", /pytorch|\btorch\b/],
  ["fastai", /fastai/],
  ["transformers", /hugging ?face|\btransformers library|automodel|autotokenizer/],
  ["opencv", /opencv|\bcv2\b/],
  ["nltk", /\bnltk\b/],
  ["spacy", /\bspacy\b/],
  ["gensim", /gensim/],
  ["statsmodels", /statsmodels/],
  ["random forest", /random ?forest/],
  ["gradient boosting", /gradient ?boost|\bgbm\b|boosted trees/],
  ["logistic regression", /logistic ?regression/],
  ["linear regression", /linear ?regression|\bridge\b|\blasso\b/],
  ["svm", /\bsvm\b|\bsvc\b|\bsvr\b|support vector/],
  ["k-nearest neighbours", /\bknn\b|k-?nearest/],
  ["naive bayes", /naive ?bayes|gaussiannb|multinomialnb/],
  ["decision tree", /decision ?tree/],
  ["cnn", /\bcnn\b|convolutional|conv2d/],
  ["rnn/lstm/gru", /\blstm\b|\bgru\b|\brnn\b|recurrent/],
  ["bert-family", /\bbert\b|roberta|distilbert|deberta/],
  ["resnet", /resnet/],
  ["efficientnet", /efficientnet/],
  ["vgg", /\bvgg/],
  ["u-net", /\bu-?net\b/],
  ["pretrained / transfer learning", /pre-?trained|transfer learning|imagenet/],
  ["tf-idf", /tf-?idf/],
  ["word embeddings", /word2vec|glove|fasttext|word embedding/],
  ["one-hot encoding", /one-?hot|get_dummies/],
  ["label encoding", /label ?encod/],
  ["scaling", /standard ?scaler|min-?max|normali[sz]|standardi[sz]/],
  ["imputation", /imput|fill(?:ing|s|ed)? (?:the )?missing|fillna/],
  ["pca", /\bpca\b|principal component/],
  ["cross-validation", /cross[- ]?validation|k-?fold|stratifiedkfold/],
  ["hyperparameter search", /grid ?search|randomi[sz]ed ?search|optuna|hyper-?parameter tuning/],
  ["early stopping", /early ?stopping/],
  ["dropout", /dropout/],
  ["batch normalization", /batch ?norm/],
  ["data augmentation", /augment/],
  ["ensembling", /ensembl|stacking|blending|voting/],
  ["adam", /\badam\w*/],
  ["sgd", /\bsgd\b|stochastic gradient/],
  ["learning-rate schedule", /learning rate (?:scheduler|schedule|decay)|reducelronplateau|cosine annealing/],
];

/** The libraries and techniques a text names (canonical names, sorted). */
export function termsOf(text: string): string[] {
  const lower = text.toLowerCase();
  return TERMS.filter(([, pattern]) => pattern.test(lower))
    .map(([name]) => name)
    .sort();
}

/** Jaccard overlap of two term sets (1 when both are empty: nothing named, nothing missed). */
export function termOverlap(a: readonly string[], b: readonly string[]): number {
  const union = new Set([...a, ...b]);
  if (union.size === 0) return 1;
  const right = new Set(b);
  return a.filter((t) => right.has(t)).length / union.size;
}

/** The best term overlap against any of the references. */
export function bestTermOverlap(candidate: string, references: readonly string[]): number {
  const terms = termsOf(candidate);
  return references.reduce((best, reference) => Math.max(best, termOverlap(terms, termsOf(reference))), 0);
}

/** Answers that differ: near-duplicates (ROUGE-L ≥ `same`) count once; 1 = every place answered differently. */
export function distinctRate(answers: readonly string[], same = 0.9): number {
  if (answers.length === 0) return 0;
  const kept: string[] = [];
  for (const answer of answers) if (!kept.some((k) => rougeL(answer, k) >= same)) kept.push(answer);
  return kept.length / answers.length;
}
