// tools/faces.mjs, the check `npm run build` runs first: a deep import across top-level folders, or an import of a
// folder from a higher layer, fails it with the fix; imports through a folder's index.ts pass. Small trees of real
// files, and the project itself.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, "..", "..");
const tool = join(repoRoot, "tools", "faces.mjs");
const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A project tree of the given files; the result of the check over it. */
async function check(files: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const root = mkdtempSync(join(tmpdir(), "lc-faces-"));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return checkTree(root);
}

async function checkTree(root: string): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run(process.execPath, [tool, root]);
    return { code: 0, stderr };
  } catch (error) {
    const e = error as { code?: number; stderr?: string };
    return { code: e.code ?? -1, stderr: e.stderr ?? "" };
  }
}

/** Imports through the faces, from the same layer or a lower one, in every form. */
const cleanTree = {
  "agents/index.ts": 'export { createAgentTeam } from "./team.js";\nexport type { AgentTeam } from "./types.js";\n',
  "agents/team.ts": "export const createAgentTeam = () => 1;\n",
  "agents/types.ts": "export interface AgentTeam { id: string }\n",
  "execution/run.ts": 'import { createAgentTeam } from "../agents/index.js";\nimport type { AgentTeam } from "../agents/index.js";\nimport { x } from "./record/x.js";\n',
  "execution/record/x.ts": 'export const x = 1;\nexport type T = import("../../agents/index.js").AgentTeam;\n',
  "cli/main.ts": 'const m = await import("../execution/index.js");\n',
};

describe("tools/faces.mjs", () => {
  it("passes imports through a folder's index.ts, from the same layer or a lower one", async () => {
    expect(await check(cleanTree)).toEqual({ code: 0, stderr: "" });
  });

  it("fails a deep import across folders in every form, naming the file, the line and the face to use", async () => {
    const r = await check({
      ...cleanTree,
      "execution/deep.ts": 'import { createAgentTeam } from "../agents/index.js";\nimport { createAgentTeam as again } from "../agents/team.js";\n',
      "execution/record/summary.ts": 'import type { AgentTeam } from "../../agents/types.js";\n',
      "execution/wiring.ts": 'export type T = import("../agents/types.js").AgentTeam;\nexport const load = () => import("../agents/team.js");\nexport { createAgentTeam } from "../agents/team.js";\n',
    });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toContain("execution/deep.ts:2: imports '../agents/team.js', inside agents/; import it from '../agents/index.js' (export it from agents/index.ts if it is missing)");
    expect(lines).toContain("execution/record/summary.ts:1: imports '../../agents/types.js', inside agents/; import it from '../../agents/index.js' (export it from agents/index.ts if it is missing)");
    expect(lines.filter((l) => l.startsWith("execution/wiring.ts:"))).toHaveLength(3);
    expect(lines.at(-1)).toBe("5 import(s) break the folders' faces or their order (tools/faces.mjs)");
  });

  it("fails an import of a higher layer, and of tests/ from the library", async () => {
    const r = await check({
      ...cleanTree,
      "core/index.ts": 'import type { AgentTeam } from "../agents/index.js";\nimport { helper } from "../tests/support/helper.js";\n',
      "tests/support/helper.ts": "export const helper = 1;\n",
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("core/index.ts:1: core/ imports agents/, a layer above it");
    expect(r.stderr).toContain("core/index.ts:2: imports '../tests/support/helper.js', outside the library (tests/)");
  });

  it("the project itself: the library and cli/ import other folders only through their faces, in layer order", async () => {
    expect(await checkTree(repoRoot)).toEqual({ code: 0, stderr: "" });
  });
});
