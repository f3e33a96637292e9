// `tasks import-mlebench` against a hostile competition or checkout, through the built CLI (issue 21 item 3): an id
// that leaves no folder name never lets --force delete --out; config.yaml's description path and symlinks stay
// inside the competition's folder of the checkout; descriptions have a size bound the error states.
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCli, linguacodus } from "../support/cli.js";
import { tempDir } from "./fixtures.js";
import { writeMleBenchWorld, type MleBenchWorld } from "./mlebench-fixture.js";

let world: MleBenchWorld;
let root: string;
const HOST_SECRET = "host secret: this file is outside every competition folder\n";

beforeAll(async () => {
  root = await tempDir("lc-mlehostile-");
  world = await writeMleBenchWorld(root);
  await writeFile(join(root, "host-secret.txt"), HOST_SECRET);
  // No description beside prepared/: the checkout's config.yaml says where it is.
  await rm(join(world.dataDir, "toy-taxi", "prepared", "public", "description.md"));
  await buildCli();
}, 300_000);

const taxiConfig = () => join(world.checkout, "mlebench", "competitions", "toy-taxi", "config.yaml");

/** An --out folder holding a previously imported task that must survive. */
async function outWithTask(): Promise<string> {
  const out = await tempDir("lc-mlehostile-out-");
  await mkdir(join(out, "keep-me"));
  await writeFile(join(out, "keep-me", "task.json"), "{}");
  return out;
}

async function importTaxi(out: string, extra: string[] = []) {
  const r = await linguacodus(["tasks", "import-mlebench", join(world.dataDir, "toy-taxi"), "--mlebench", world.checkout, "--out", out, "--force", "--json", ...extra]);
  return { ...r, json: JSON.parse(r.stdout || "{}") as { error?: string; dir?: string } };
}

/** Rewrites one line of toy-taxi's config.yaml for the duration of `body`. */
async function withConfigLine(pattern: RegExp, line: string, body: () => Promise<void>): Promise<void> {
  const original = await readFile(taxiConfig(), "utf8");
  await writeFile(taxiConfig(), original.replace(pattern, line));
  try {
    await body();
  } finally {
    await writeFile(taxiConfig(), original);
  }
}

describe("an id that leaves no folder name", () => {
  it("--id '...' with --force is refused and --out keeps its tasks", async () => {
    const out = await outWithTask();
    const r = await importTaxi(out, ["--id", "..."]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.json.error).toMatch(/competition id '\.\.\.' leaves no usable task folder name \(it needs a letter or digit\); pass --id <name>/);
    expect(existsSync(join(out, "keep-me", "task.json"))).toBe(true);
  });

  it("a config.yaml id of '...' or with a path in it is refused before anything is read or removed", async () => {
    for (const id of ["...", "../../host"]) {
      const out = await outWithTask();
      await withConfigLine(/^id: .*$/m, `id: "${id}"`, async () => {
        const r = await importTaxi(out);
        expect(r.code, r.stdout + r.stderr).toBe(2);
        expect(r.json.error).toContain(`competition id '${id}' is not one folder name`);
      });
      expect(existsSync(join(out, "keep-me", "task.json"))).toBe(true);
    }
  });
});

describe("the description comes from the competition's own folder", () => {
  it("refuses config.yaml's description path when it leaves the competition's folder in the checkout", async () => {
    const out = await outWithTask();
    await withConfigLine(/^description: .*$/m, "description: ../host-secret.txt", async () => {
      const r = await importTaxi(out);
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.json.error).toMatch(/the description .*host-secret\.txt resolves to .*host-secret\.txt, outside .*mlebench\/competitions\/toy-taxi; an import reads only the competition's own files/);
      expect(existsSync(join(out, "toy-taxi"))).toBe(false);
    });
  });

  it("refuses a description symlinked out of the competition's folder", async () => {
    const out = await outWithTask();
    const link = join(world.checkout, "mlebench", "competitions", "toy-taxi", "link.md");
    await symlink(join(root, "host-secret.txt"), link);
    await withConfigLine(/^description: .*$/m, "description: mlebench/competitions/toy-taxi/link.md", async () => {
      const r = await importTaxi(out);
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.json.error).toMatch(/link\.md resolves to .*host-secret\.txt, outside/);
    });
  });

  it("refuses a description over 1 MiB, saying the bound", async () => {
    const out = await outWithTask();
    const big = join(world.checkout, "mlebench", "competitions", "toy-taxi", "big.md");
    await writeFile(big, "x".repeat((1 << 20) + 1));
    await withConfigLine(/^description: .*$/m, "description: mlebench/competitions/toy-taxi/big.md", async () => {
      const r = await importTaxi(out);
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.json.error).toMatch(/big\.md is 1048577 bytes; a description may be at most 1 MiB \(1048576 bytes\)/);
    });
  });

  it("imports from the competition's own description (control)", async () => {
    const out = await outWithTask();
    await withConfigLine(/^description: .*$/m, "description: mlebench/competitions/toy-taxi/description.md", async () => {
      const r = await importTaxi(out);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(await readFile(join(out, "toy-taxi", "description.md"), "utf8")).toMatch(/^# toy-taxi/);
    });
  });
});
