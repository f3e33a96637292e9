// One grading run in a fresh process, so its peak memory is its own: prints {seconds, cpuSeconds, maxRssMB, score}.
import { grade, loadTask } from "../datasets/index.js";

const [taskDir, submission] = process.argv.slice(2);
if (!taskDir || !submission) throw new Error("usage: grading-worker.ts <task-dir> <submission.csv>");
const started = performance.now();
const cpuStarted = process.cpuUsage();
const task = await loadTask(taskDir);
const result = await grade(task, submission);
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStarted);
if (!result.valid) throw new Error(`benchmark submission invalid: ${result.errors.join("; ")}`);
// maxRSS is in kilobytes
process.stdout.write(`${JSON.stringify({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssMB: process.resourceUsage().maxRSS / 1024, score: result.score })}\n`);
