// One sandbox container with the fork server running in it: created locked down, attached over
// stdin/stdout (no network inside), and able to run attempts one at a time.
import { PassThrough, type Duplex } from "node:stream";
import { randomUUID } from "node:crypto";
import type Docker from "dockerode";
import { forkServerCommand } from "./fork-server.js";
import { SANDBOX_GID, SANDBOX_UID } from "./image-recipe.js";
import { ownerLabels, ownerState, type OwnerIdentity } from "./owner.js";
import { threadEnv } from "./threads.js";
import { parseServerMessage, type ReadyMessage, type ResultMessage, type RunMessage, type ServerMessage, type SettledMessage } from "./protocol.js";
import { SANDBOX_DATA_DIR, SANDBOX_WORK_DIR, type SandboxLimits } from "./types.js";

export const SANDBOX_CONTAINER_LABEL = "org.linguacodus.sandbox";
/** Label naming the DockerSandbox instance that owns a container (several processes may share an engine). */
export const SANDBOX_OWNER_LABEL = "org.linguacodus.sandbox.owner";

export interface ContainerSpec {
  image: string;
  /** Id of the owning sandbox instance, written as a label. */
  owner: string;
  /** The owning process, written as labels so a later start can remove the containers of a dead owner. */
  ownerProcess?: OwnerIdentity;
  /** Absolute host path mounted read-only at /data, or undefined for no data. */
  publicDir: string | undefined;
  limits: SandboxLimits;
  /** Pass the host's NVIDIA GPUs through (needs the NVIDIA container runtime). */
  gpus: boolean;
  /** Modules the fork server imports once; default {@link PRELOAD_MODULES}. */
  preload?: readonly string[];
  /** Cores an attempt gets (sandboxCores): the thread counts of OpenMP, OpenBLAS, MKL and numexpr. */
  cores: number;
}

/** How one attempt inside the container ended, before the sandbox turns it into a result. */
export type AttemptEnd =
  | { kind: "finished"; result: ResultMessage; files: Map<string, Buffer[]> }
  | { kind: "timeout"; stdoutHead: string; stderrHead: string }
  | { kind: "died"; oomKilled: boolean; exitCode: number | null; serverStderr: string }
  /** The control channel carried something the attempt did not produce: the attempt is void, the container gone. */
  | { kind: "protocol"; reason: string; stdoutHead: string; stderrHead: string };

/** The capabilities the fork server's supervisor and zygote need (see fork_server.py); attempts get none. */
export const SERVER_CAPABILITIES = ["KILL", "SETUID", "SETGID", "SETPCAP"] as const;

/** Builds the container options; pure, so the isolation settings can be read (and tested) in one place. */
export function containerOptions(spec: ContainerSpec): Docker.ContainerCreateOptions {
  const { limits } = spec;
  const uid = String(SANDBOX_UID);
  return {
    Image: spec.image,
    Cmd: forkServerCommand(spec.preload),
    // The server starts as root with only SERVER_CAPABILITIES and runs every attempt as the sandbox user.
    User: "0:0",
    WorkingDir: SANDBOX_WORK_DIR,
    // Thread settings go in the container's environment: the libraries read them when the zygote imports them.
    Env: [
      `LINGUACODUS_DATA_DIR=${SANDBOX_DATA_DIR}`,
      `LINGUACODUS_WORK_DIR=${SANDBOX_WORK_DIR}`,
      ...Object.entries(threadEnv(spec.cores)).map(([k, v]) => `${k}=${v}`),
    ],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    OpenStdin: true,
    // The owner's single attach is the server's only stdin: when the owning process dies the stream closes,
    // the server reads EOF (also in the middle of an attempt) and exits, so a crashed run leaves nothing running.
    StdinOnce: true,
    Tty: false,
    NetworkDisabled: true,
    Labels: { [SANDBOX_CONTAINER_LABEL]: "1", [SANDBOX_OWNER_LABEL]: spec.owner, ...(spec.ownerProcess ? ownerLabels(spec.ownerProcess) : {}) },
    HostConfig: {
      NetworkMode: "none",
      Binds: spec.publicDir ? [`${spec.publicDir}:${SANDBOX_DATA_DIR}:ro`] : [],
      Tmpfs: {
        [SANDBOX_WORK_DIR]: `rw,nosuid,nodev,exec,size=${limits.workspaceBytes},uid=${uid},gid=${uid},mode=0755`,
        "/tmp": `rw,nosuid,nodev,size=${limits.tmpBytes},mode=1777`,
        // The server's own scratch (its imports' caches): root's, out of the attempts' reach.
        "/run/linguacodus": "rw,nosuid,nodev,noexec,size=64m,mode=0700",
      },
      ReadonlyRootfs: true,
      CapDrop: ["ALL"],
      CapAdd: [...SERVER_CAPABILITIES],
      SecurityOpt: ["no-new-privileges"],
      Memory: limits.memoryBytes,
      MemorySwap: limits.memoryBytes, // no swap: a memory hog meets the OOM killer instead of thrashing the host
      NanoCpus: Math.round(limits.cpus * 1e9),
      PidsLimit: limits.pids,
      ShmSize: 64 * 1024 ** 2,
      // A SysV segment dies with its last user instead of holding memory into the next attempt.
      Sysctls: { "kernel.shm_rmid_forced": "1" },
      Init: true, // tini reaps what the attempts orphan
      IpcMode: "private",
      AutoRemove: false,
      ...(spec.gpus ? { DeviceRequests: [{ Driver: "nvidia", Count: -1, Capabilities: [["gpu"]] }] } : {}),
    },
  };
}

/**
 * What a control-channel line means during the attempt with nonce `id`: a message of this attempt, or a
 * violation (not JSON, not a known message, another attempt's nonce) that voids the attempt.
 */
export function classifyLine(line: string, id: string): { ok: true; message: ServerMessage } | { ok: false; reason: string } {
  let message: ServerMessage;
  try {
    message = parseServerMessage(line);
  } catch (error) {
    return { ok: false, reason: (error as Error).message.split("\n")[0] ?? "unreadable line" };
  }
  if ((message.type === "output" || message.type === "file" || message.type === "result" || message.type === "settled") && message.id === id) return { ok: true, message };
  return { ok: false, reason: `the sandbox control channel carried a ${message.type} message that does not belong to this attempt` };
}

/** Bound on the clean-up after an attempt (wipe, survivor check, the next attempt's fork); past it the container goes. */
const SETTLE_TIMEOUT_MS = 60_000;

export class WarmContainer {
  readonly id: string;
  ready: ReadyMessage | undefined;
  /** False once the container was killed, died, or left something behind. */
  usable = true;
  private lineBuffer = "";
  private serverStderr = "";
  private listeners = new Set<(line: string) => void>();
  private exited: Promise<{ StatusCode: number }>;
  private exitedFlag = false;
  /** The clean-up after the last attempt, while the server wipes, checks and forks the next attempt's process. */
  private settling: Promise<void> | undefined;

  private constructor(
    docker: Docker,
    private readonly container: Docker.Container,
    private readonly stream: Duplex,
    readonly spec: ContainerSpec,
  ) {
    this.id = container.id;
    const out = new PassThrough();
    const err = new PassThrough();
    // Errors on the attach stream (e.g. after a kill) surface as the container's exit instead.
    stream.on("error", () => undefined);
    docker.modem.demuxStream(stream, out, err);
    out.on("data", (chunk: Buffer) => this.onStdout(chunk));
    err.on("data", (chunk: Buffer) => {
      this.serverStderr = (this.serverStderr + chunk.toString("utf8")).slice(-16_384);
    });
    // "next-exit": the default condition returns at once for a container not started yet.
    this.exited = container.wait({ condition: "next-exit" }).then(
      (r: { StatusCode: number }) => {
        this.exitedFlag = true;
        this.usable = false;
        return r;
      },
      () => {
        this.exitedFlag = true;
        this.usable = false;
        return { StatusCode: -1 };
      },
    );
  }

  /** Creates, starts and waits for the fork server's "ready" (its imports done). */
  static async start(docker: Docker, spec: ContainerSpec, startupTimeoutMs = 120_000): Promise<WarmContainer> {
    const container = await docker.createContainer(containerOptions(spec));
    let warm: WarmContainer | undefined;
    try {
      const stream = (await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as unknown as Duplex;
      warm = new WarmContainer(docker, container, stream, spec);
      const readyPromise = warm.nextMessage((m) => (m.type === "ready" ? m : undefined));
      await container.start();
      const ready = await warm.raceExit(readyPromise, startupTimeoutMs);
      if (ready === "timeout" || ready === "exited") {
        throw new Error(`the sandbox container did not start its Python server (${ready}): ${warm.serverStderr.trim().slice(-2000)}`);
      }
      warm.ready = ready;
      return warm;
    } catch (error) {
      await (warm ? warm.destroy() : container.remove({ force: true }).catch(() => undefined));
      throw error;
    }
  }

  private onStdout(chunk: Buffer): void {
    this.lineBuffer += chunk.toString("utf8");
    let newline = this.lineBuffer.indexOf("\n");
    while (newline >= 0) {
      const line = this.lineBuffer.slice(0, newline);
      this.lineBuffer = this.lineBuffer.slice(newline + 1);
      // Nobody expects a line between attempts: whoever wrote it, this container is not trusted again.
      if (this.listeners.size === 0 && line.trim()) this.usable = false;
      for (const listener of [...this.listeners]) listener(line);
      newline = this.lineBuffer.indexOf("\n");
    }
  }

  /** Resolves with the first server message `pick` accepts. */
  private nextMessage<T>(pick: (m: ReturnType<typeof parseServerMessage>) => T | undefined, onOther?: (m: ReturnType<typeof parseServerMessage>) => void): Promise<T> {
    return new Promise((resolvePromise, reject) => {
      const listener = (line: string): void => {
        if (!line.trim()) return;
        let message;
        try {
          message = parseServerMessage(line);
        } catch (error) {
          this.listeners.delete(listener);
          reject(error);
          return;
        }
        const picked = pick(message);
        if (picked !== undefined) {
          this.listeners.delete(listener);
          resolvePromise(picked);
        } else onOther?.(message);
      };
      this.listeners.add(listener);
    });
  }

  private async raceExit<T>(promise: Promise<T>, timeoutMs: number): Promise<T | "timeout" | "exited"> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((r) => {
      timer = setTimeout(() => r("timeout"), timeoutMs);
    });
    try {
      return await Promise.race([promise, timeout, this.exited.then(() => "exited" as const)]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Runs one attempt. On timeout or death the container is killed and marked unusable; so it is when the
   * control channel carries anything but this attempt's messages (the attempt then ends as "protocol").
   */
  async run(request: Omit<RunMessage, "type" | "id">, timeoutMs: number): Promise<AttemptEnd> {
    if (!(await this.settle())) throw new Error("this sandbox container can no longer be used");
    const id = randomUUID(); // the attempt's nonce (see fork_server.py: only the supervisor holds it)
    const files = new Map<string, Buffer[]>();
    const live = { stdout: "", stderr: "" };
    type Violation = { violation: string };
    const channel = { listener: (_line: string): void => undefined, settled: (_m: SettledMessage | Violation): void => undefined };
    const settled = new Promise<SettledMessage | Violation>((resolveSettled) => (channel.settled = resolveSettled));
    const ended = new Promise<ResultMessage | Violation>((resolvePromise) => {
      channel.listener = (line: string): void => {
        if (!line.trim()) return;
        const verdict = classifyLine(line, id);
        if (!verdict.ok) {
          const violation = { violation: `${verdict.reason} (line: ${JSON.stringify(line.slice(0, 160))})` };
          resolvePromise(violation);
          channel.settled(violation);
          return;
        }
        const m = verdict.message;
        if (m.type === "output") live[m.stream] += m.data;
        else if (m.type === "file") {
          const parts = m.append ? files.get(m.name) ?? [] : [];
          parts.push(Buffer.from(m.data, "base64"));
          files.set(m.name, parts);
        } else if (m.type === "result") resolvePromise(m);
        else if (m.type === "settled") channel.settled(m);
      };
      this.listeners.add(channel.listener);
    });
    const message: RunMessage = { type: "run", id, ...request };
    this.stream.write(`${JSON.stringify(message)}\n`);
    const end = await this.raceExit(ended, timeoutMs);
    if (end === "timeout" || end === "exited" || "violation" in end) this.listeners.delete(channel.listener);
    if (end === "timeout") {
      this.usable = false;
      await this.destroy();
      return { kind: "timeout", stdoutHead: live.stdout, stderrHead: live.stderr };
    }
    if (end === "exited") {
      this.usable = false;
      const state = await this.container.inspect().then(
        (info) => ({ oom: info.State.OOMKilled, code: info.State.ExitCode }),
        () => ({ oom: false, code: null }),
      );
      const serverStderr = this.serverStderr;
      await this.destroy();
      return { kind: "died", oomKilled: state.oom, exitCode: state.code, serverStderr };
    }
    if ("violation" in end) {
      this.usable = false;
      await this.destroy();
      return { kind: "protocol", reason: end.violation, stdoutHead: live.stdout, stderrHead: live.stderr };
    }
    // After an OOM kill the container's memory state is suspect.
    if (end.oomKilled) this.usable = false;
    // The result is the attempt's; the clean-up runs on while the caller grades it. Until "settled" says the
    // container is clean, no attempt gets it (settle()); after leftovers it is destroyed.
    this.settling = this.raceExit(settled, SETTLE_TIMEOUT_MS).then(async (s) => {
      this.listeners.delete(channel.listener);
      if (s === "timeout" || s === "exited" || "violation" in s || !s.clean) await this.destroy();
    });
    return { kind: "finished", result: end, files };
  }

  /** Waits for the clean-up after the last attempt; true when the container may run another attempt. */
  async settle(): Promise<boolean> {
    await this.settling;
    return this.usable && !this.exitedFlag;
  }

  get hasExited(): boolean {
    return this.exitedFlag;
  }

  /** Kills and removes the container (idempotent). */
  async destroy(): Promise<void> {
    this.usable = false;
    this.listeners.clear();
    try {
      this.stream.destroy();
    } catch {
      /* already closed */
    }
    await this.container.remove({ force: true }).catch(() => undefined);
  }
}

/**
 * Removes the sandbox containers a dead owner left (running or not: an owner killed mid-attempt, a crash, a
 * reboot), and those of unknown owners that exited more than `olderThanMs` ago. Containers of live owners —
 * other runs or tests sharing the engine — are never touched.
 */
export async function removeStaleContainers(docker: Docker, olderThanMs = 60_000): Promise<number> {
  const list = await docker.listContainers({ all: true, filters: { label: [SANDBOX_CONTAINER_LABEL] } });
  let removed = 0;
  for (const item of list) {
    const owner = ownerState(item.Labels);
    if (owner === "alive") continue;
    const container = docker.getContainer(item.Id);
    if (owner === "unknown") {
      if (item.State === "running" || item.State === "paused" || item.State === "restarting") continue;
      const info = await container.inspect().catch(() => undefined);
      if (!info) continue;
      const finished = Date.parse(info.State.FinishedAt);
      const created = Date.parse(info.Created);
      const since = Number.isFinite(finished) && finished > 0 ? finished : created;
      if (Date.now() - since < olderThanMs) continue;
    }
    await container.remove({ force: true }).then(() => removed++, () => undefined);
  }
  return removed;
}
