// Code extraction on a corpus of realistic messy model outputs.
import { describe, expect, it } from "vitest";
import { extractCode } from "../../codegen/extract.js";
import { FENCE as F } from "../support/fence.js";

interface Case {
  name: string;
  text: string;
  /** Lines the extracted code must contain. */
  contains: string[];
  /** Text that must not survive extraction. */
  excludes?: string[];
  method: string;
  truncated?: boolean;
}

const corpus: Case[] = [
  {
    name: "one fenced python block with prose around",
    text: `Sure! Here is a complete solution:\n\n${F}python\nimport pandas as pd\ndf = pd.read_csv("/data/train.csv")\nprint(df.shape)\n${F}\n\nThis script loads the data and prints its shape. Let me know if you need more help!`,
    contains: ["import pandas as pd", 'df = pd.read_csv("/data/train.csv")', "print(df.shape)"],
    excludes: ["Sure!", "Let me know"],
    method: "fenced",
  },
  {
    name: "several continuing blocks are concatenated in order",
    text: `Step 1 — load:\n${F}python\nimport pandas as pd\ntrain = pd.read_csv('/data/train.csv')\n${F}\nStep 2 — model:\n${F}py\nfrom sklearn.linear_model import Ridge\nmodel = Ridge().fit(train[['x']], train['y'])\n${F}\nStep 3 — save:\n${F}\npd.DataFrame({'id': [1]}).to_csv('submission.csv', index=False)\n${F}`,
    contains: ["train = pd.read_csv('/data/train.csv')", "model = Ridge().fit(train[['x']], train['y'])", "to_csv('submission.csv', index=False)"],
    excludes: ["Step 1"],
    method: "fenced",
  },
  {
    name: "a revised script replaces the first version",
    text: `${F}python\nimport pandas as pd\ntrain = pd.read_csv('/data/train.csv')\ny = train['target']\nX = train.drop(columns=['target'])\nprint(X.shape)\n${F}\nOops, the id column leaks. Corrected version:\n${F}python\nimport pandas as pd\ntrain = pd.read_csv('/data/train.csv')\ny = train['target']\nX = train.drop(columns=['target', 'id'])\nprint(X.shape)\n${F}`,
    contains: ["X = train.drop(columns=['target', 'id'])"],
    excludes: ["X = train.drop(columns=['target'])\n"],
    method: "fenced",
  },
  {
    name: "bash and output blocks are ignored",
    text: `First install:\n${F}bash\npip install lightgbm\n${F}\nThen run:\n${F}python\nimport numpy as np\nprint(np.arange(3))\n${F}\nOutput:\n${F}text\n[0 1 2]\n${F}`,
    contains: ["import numpy as np", "print(np.arange(3))"],
    excludes: ["pip install", "[0 1 2]"],
    method: "fenced",
  },
  {
    name: "no fences, prose before and after",
    text: `Here is the code you asked for.\n\nimport pandas as pd\nfrom sklearn.ensemble import RandomForestClassifier\n\ntrain = pd.read_csv("/data/train.csv")\nfor col in train.columns:\n    print(col)\nmodel = RandomForestClassifier(n_estimators=100)\n\nThis trains a random forest with 100 trees.`,
    contains: ["import pandas as pd", "for col in train.columns:", "    print(col)", "model = RandomForestClassifier(n_estimators=100)"],
    excludes: ["Here is the code", "This trains a random forest"],
    method: "unfenced",
  },
  {
    name: "a fence left open by a cut-off answer",
    text: `${F}python\nimport pandas as pd\ntrain = pd.read_csv('/data/train.csv')\nfor c in train.columns:\n    train[c] = train[c].fillna(`,
    contains: ["import pandas as pd", "for c in train.columns:"],
    method: "fenced",
    truncated: true,
  },
  {
    name: "Code Llama [PYTHON] tags",
    text: `[PYTHON]\nimport math\nprint(math.pi)\n[/PYTHON]\nThe value of pi is printed.`,
    contains: ["import math", "print(math.pi)"],
    excludes: ["[PYTHON]", "The value"],
    method: "tagged",
  },
  {
    name: "notebook magics inside a block are dropped",
    text: `${F}python\n!pip install xgboost\n%matplotlib inline\nimport pandas as pd\nprint(1)\n${F}`,
    contains: ["import pandas as pd", "print(1)"],
    excludes: ["!pip", "%matplotlib"],
    method: "fenced",
  },
  {
    name: "interactive prompts are stripped",
    text: `${F}pycon\n>>> import numpy as np\n>>> x = np.ones(3)\n>>> print(x.sum())\n${F}`,
    contains: ["import numpy as np", "x = np.ones(3)", "print(x.sum())"],
    excludes: [">>>"],
    method: "fenced",
  },
  {
    name: "tilde fences and a longer backtick fence holding a docstring",
    text: `~~~python\ndef f():\n    """Returns one."""\n    return 1\nprint(f())\n~~~`,
    contains: ['    """Returns one."""', "print(f())"],
    method: "fenced",
  },
  {
    name: "unfenced code with a docstring and an explanation list after",
    text: `import pandas as pd\n\ndef load():\n    """Load the training data.\n\n    Returns a DataFrame.\n    """\n    return pd.read_csv('/data/train.csv')\n\ndf = load()\n\nExplanation:\n1. We load the data.\n2. We return it.`,
    contains: ["def load():", "    Returns a DataFrame.", "df = load()"],
    excludes: ["Explanation", "We load the data"],
    method: "unfenced",
  },
  {
    name: "untagged fence with a language-less block and a JSON block",
    text: `Config:\n${F}json\n{"lr": 0.1}\n${F}\nCode:\n${F}\nlr = 0.1\nprint(lr)\n${F}`,
    contains: ["lr = 0.1", "print(lr)"],
    excludes: ['{"lr": 0.1}'],
    method: "fenced",
  },
  {
    name: "only prose: no code",
    text: `I cannot write code for this task without more information about the data. Could you share the column names?`,
    contains: [],
    method: "none",
  },
];

describe("extractCode on messy model outputs", () => {
  for (const sample of corpus) {
    it(sample.name, () => {
      const result = extractCode(sample.text);
      expect(result.method).toBe(sample.method);
      for (const line of sample.contains) expect(result.code).toContain(line);
      for (const text of sample.excludes ?? []) expect(result.code).not.toContain(text);
      expect(result.truncated).toBe(sample.truncated ?? false);
      if (sample.method === "none") expect(result.code).toBe("");
    });
  }

  it("a revised script keeps one copy of its lines", () => {
    const result = extractCode(corpus[2]!.text);
    expect(result.code.match(/import pandas as pd/g)).toHaveLength(1);
    expect(result.blocks).toHaveLength(2);
  });
});
