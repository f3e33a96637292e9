// The run's progress line on stderr: the current stage, the model call in flight (tokens so far, tokens/s), the
// elapsed time and the run's tokens. Rewritten in place on a terminal; elsewhere (a log file, CI) one line per
// finished stage, plus a line on a long call every `quietEveryMs` so a reader sees it move. It draws with its own
// control sequences (rawStderr); the text in them passes terminalSafe.
import { rawStderr, terminalSafe } from "./terminal.js";

export const fmtMs = (ms: number) =>
  ms < 1000 ? `${Math.round(ms)}ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;

export interface CallInFlight {
  role: string;
  step?: string;
  outputTokens: number;
  tokensPerSecond: number;
}

export interface ProgressState {
  stage: string;
  call?: CallInFlight;
  elapsedMs: number;
  tokens: number;
}

/** "preprocessing-block 212 tok 7.9 tok/s" */
export function describeCall(call: CallInFlight): string {
  const speed = call.tokensPerSecond > 0 ? ` ${call.tokensPerSecond.toFixed(1)} tok/s` : "";
  return `${call.step ?? call.role} ${call.outputTokens} tok${speed}`;
}

/** The status line (without the spinner). */
export function formatProgress(state: ProgressState): string {
  const call = state.call ? ` · ${describeCall(state.call)}` : "";
  return `${state.stage}${call}  ${fmtMs(state.elapsedMs)}  ${state.tokens} tokens`;
}

export class ProgressLine {
  private readonly started = Date.now();
  private current = "starting";
  private call: CallInFlight | undefined;
  private tokens = 0;
  private frame = 0;
  private lastQuietCallLine = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly quiet: boolean,
    private readonly out: { write(text: string): unknown; isTTY?: boolean } = rawStderr,
    private readonly quietEveryMs = 30_000,
  ) {
    if (this.tty && !quiet) this.timer = setInterval(() => this.draw(), 120);
  }

  private get tty(): boolean {
    return this.out.isTTY === true;
  }

  private state(): ProgressState {
    return { stage: this.current, ...(this.call ? { call: this.call } : {}), elapsedMs: Date.now() - this.started, tokens: this.tokens };
  }

  private draw(): void {
    const frames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
    this.frame = (this.frame + 1) % frames.length;
    this.out.write(`\r\x1b[2K${frames[this.frame]} ${terminalSafe(formatProgress(this.state()))}`);
  }

  stage(name: string): void {
    this.current = name;
    this.call = undefined;
  }

  /** A model call in flight reported its tokens so far. */
  callProgress(call: CallInFlight): void {
    this.call = call;
    if (this.quiet || this.tty) return;
    const now = Date.now();
    if (now - this.lastQuietCallLine < this.quietEveryMs) return;
    this.lastQuietCallLine = now;
    this.out.write(terminalSafe(`  … ${this.current} · ${describeCall(call)}  (${fmtMs(now - this.started)})\n`));
  }

  /** A model call finished: its tokens join the run's count. */
  addTokens(n: number): void {
    this.tokens += n;
    this.call = undefined;
  }

  log(message: string): void {
    if (this.quiet) return;
    if (this.tty) this.out.write("\r\x1b[2K");
    this.out.write(`${terminalSafe(message)}  (${fmtMs(Date.now() - this.started)}, ${this.tokens} tokens)\n`);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.tty && !this.quiet) this.out.write("\r\x1b[2K");
  }
}
