// Copies the library's non-TypeScript files (Python that runs in the sandbox or beside the grader) into dist/,
// beside the compiled modules that load them, and data folders (MLE-bench's vendored split lists). One list for
// `npm run build` and the tests' buildCli.
import { copyFileSync, cpSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const ASSETS = ["sandbox/fork_server.py", "sandbox/write_manifest.py", "sandbox/torchvision_cpu.py", "datasets/mlebench/grade_driver.py"];
for (const file of ASSETS) copyFileSync(join(root, file), join(root, "dist", file));
const FOLDERS = ["datasets/mlebench/splits"];
for (const folder of FOLDERS) cpSync(join(root, folder), join(root, "dist", folder), { recursive: true });
