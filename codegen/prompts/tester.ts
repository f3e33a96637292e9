// Prompt templates of the tester role (--unit-tests): pytest tests for the run's final script, and the one fix of a
// test file that does not parse. The environment says how the script is imported (codegen/unit-tests.ts): only its
// definitions, so the tests call its functions on small inputs instead of relying on the work it does when run.
import { rolePrompt, type ChatTurn } from "../../agents/index.js";
import { UNIT_TEST_MODULE } from "../unit-tests.js";
import { ANSWER_FORMAT, type CodePromptBase } from "./rules.js";

function testingRules(libraries: readonly string[]): string {
  return `## Rules of the sandbox the tests run in
- Python 3 and pytest, offline (no network, no downloads). Only these libraries are installed: ${libraries.join(", ") || "(standard library only)"}.
- The script is importable as the module \`${UNIT_TEST_MODULE}\` (\`from ${UNIT_TEST_MODULE} import …\`). It holds the script's imports, functions, classes and constants only: its other top-level statements (the work it does when run, and its \`if __name__ == "__main__":\` block) are left out, so importing it runs nothing.
- The task's input files are under /data (read-only); a test should not need them: build small inputs in the test.
- All tests together must finish within a minute on a CPU.`;
}

const TESTER_ROLE =
  "You write pytest unit tests for a Python script: tests of the functions and classes it defines, of the shapes and " +
  "invariants of their outputs (lengths, columns, value ranges, no missing values), on small inputs built in the test.";

export interface TesterPromptInput extends CodePromptBase {
  script: string;
}

function testerPrompt(input: CodePromptBase, rest: string): ChatTurn[] {
  return rolePrompt({ context: input.context, environment: testingRules(input.libraries), role: TESTER_ROLE, rest, analysis: input.analysis });
}

function scriptSection(script: string): string {
  return `

## Script (the module \`${UNIT_TEST_MODULE}\`)
\`\`\`python
${script}
\`\`\``;
}

export function unitTestsPrompt(input: TesterPromptInput): ChatTurn[] {
  return testerPrompt(
    input,
    `${scriptSection(input.script)}

## Your job
Write one pytest file with 3 to 8 test functions (\`def test_…():\`) for the functions and classes this script defines. Import them from \`${UNIT_TEST_MODULE}\`. Test shapes and invariants on small inputs; do not train on the full data.
${ANSWER_FORMAT}`,
  );
}

export interface UnitTestsFixPromptInput extends TesterPromptInput {
  tests: string;
  /** Python's parser error on the test file. */
  error: string;
}

export function unitTestsFixPrompt(input: UnitTestsFixPromptInput): ChatTurn[] {
  return testerPrompt(
    input,
    `${scriptSection(input.script)}

## Your test file
\`\`\`python
${input.tests}
\`\`\`

## It does not parse
${input.error}

## Your job
Return the whole corrected test file.
${ANSWER_FORMAT}`,
  );
}
