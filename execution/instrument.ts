// Measures where a run's time goes (model calls, sandbox executions) and reports token use as calls complete,
// by wrapping the team and the sandbox in thin proxies: the pipeline code stays unaware of it.
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import type { AgentModel, AgentRole, AgentTeam, CallOptions, ChatTurn } from "../agents/types.js";
import type { Sandbox, SandboxRunRequest, SandboxRunResult } from "../sandbox/types.js";

export interface ModelCallReport {
  role: AgentRole;
  step?: string;
  durationMs: number;
  /** Tokens of the calls appended to the transcript since the last report. */
  tokens: number;
  ok: boolean;
}

export class Meter {
  modelMs = 0;
  sandboxMs = 0;
  tokens = 0;
  private transcriptOffset = 0;

  constructor(private readonly transcriptsPath?: string) {
    if (transcriptsPath && existsSync(transcriptsPath)) this.transcriptOffset = statSync(transcriptsPath).size;
  }

  /** Sums the tokens of transcript lines written since the last call (incremental read, no re-parse). */
  newTokens(): number {
    if (!this.transcriptsPath || !existsSync(this.transcriptsPath)) return 0;
    const size = statSync(this.transcriptsPath).size;
    if (size <= this.transcriptOffset) return 0;
    const buffer = Buffer.alloc(size - this.transcriptOffset);
    const fd = openSync(this.transcriptsPath, "r");
    try {
      readSync(fd, buffer, 0, buffer.length, this.transcriptOffset);
    } finally {
      closeSync(fd);
    }
    const end = buffer.lastIndexOf(0x0a) + 1;
    this.transcriptOffset += end;
    let tokens = 0;
    for (const line of buffer.subarray(0, end).toString("utf8").split("\n")) {
      if (!line) continue;
      try {
        const parsed = JSON.parse(line) as { tokens?: { input?: number; output?: number } | null };
        tokens += (parsed.tokens?.input ?? 0) + (parsed.tokens?.output ?? 0);
      } catch {
        // A line being written right now: counted on the next read.
      }
    }
    this.tokens += tokens;
    return tokens;
  }
}

export function meteredTeam(team: AgentTeam, meter: Meter, onCall: (report: ModelCallReport) => void): AgentTeam {
  const wrapped = new Map<AgentRole, AgentModel>();
  const timed = async <T>(role: AgentRole, options: CallOptions | undefined, call: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    let ok = false;
    try {
      const value = await call();
      ok = true;
      return value;
    } finally {
      const durationMs = performance.now() - started;
      meter.modelMs += durationMs;
      onCall({ role, step: options?.step, durationMs, tokens: meter.newTokens(), ok });
    }
  };
  return {
    model(role: AgentRole): AgentModel {
      let model = wrapped.get(role);
      if (!model) {
        const inner = team.model(role);
        model = {
          role: inner.role,
          spec: inner.spec,
          generate: (messages: ChatTurn[], options?: CallOptions) => timed(role, options, () => inner.generate(messages, options)),
          generateStructured: (messages, schema, options) => timed(role, options, () => inner.generateStructured(messages, schema, options)),
        };
        wrapped.set(role, model);
      }
      return model;
    },
    close: () => team.close(),
  };
}

export function meteredSandbox(sandbox: Sandbox, meter: Meter): Sandbox {
  return {
    kind: sandbox.kind,
    async run(request: SandboxRunRequest): Promise<SandboxRunResult> {
      const started = performance.now();
      try {
        return await sandbox.run(request);
      } finally {
        meter.sandboxMs += performance.now() - started;
      }
    },
    close: () => sandbox.close(),
  };
}
