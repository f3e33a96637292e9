// Which process owns a sandbox container, written as labels, so that a later start can tell a container
// whose owner died (kill -9, crash, reboot) from one a live process — another run, another test — still uses.
import { readFileSync, readlinkSync } from "node:fs";
import { hostname } from "node:os";

export const OWNER_PID_LABEL = "org.linguacodus.sandbox.owner-pid";
export const OWNER_HOST_LABEL = "org.linguacodus.sandbox.owner-host";
export const OWNER_BOOT_LABEL = "org.linguacodus.sandbox.owner-boot";
export const OWNER_START_LABEL = "org.linguacodus.sandbox.owner-start";
export const OWNER_PIDNS_LABEL = "org.linguacodus.sandbox.owner-pidns";

export interface OwnerIdentity {
  pid: number;
  host: string;
  /** The kernel's boot id: a reboot ends every owner. */
  bootId: string;
  /** The process's start time in clock ticks since boot (/proc/<pid>/stat field 22): tells a reused pid apart. */
  startTicks: string;
  /** Pid namespace: a pid means something only inside its own namespace. */
  pidNamespace: string;
}

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
};

/** Start time of a process, or undefined when there is no such process. */
export function processStartTicks(pid: number): string | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
}

/** This process, as an owner. */
export function currentOwner(): OwnerIdentity {
  let pidNamespace = "";
  try {
    pidNamespace = readlinkSync("/proc/self/ns/pid");
  } catch {
    /* not Linux: the namespace stays unknown */
  }
  return {
    pid: process.pid,
    host: hostname(),
    bootId: (read("/proc/sys/kernel/random/boot_id") ?? "").trim(),
    startTicks: processStartTicks(process.pid) ?? "",
    pidNamespace,
  };
}

export function ownerLabels(owner: OwnerIdentity): Record<string, string> {
  return {
    [OWNER_PID_LABEL]: String(owner.pid),
    [OWNER_HOST_LABEL]: owner.host,
    [OWNER_BOOT_LABEL]: owner.bootId,
    [OWNER_START_LABEL]: owner.startTicks,
    [OWNER_PIDNS_LABEL]: owner.pidNamespace,
  };
}

/**
 * "gone" when the labelled owner certainly ended (same host and pid namespace, and a reboot since, no such
 * pid, or a pid started at another time); "alive" when it runs; "unknown" when this process cannot tell
 * (no labels, another host or namespace).
 */
export function ownerState(
  labels: Record<string, string> | undefined,
  here: OwnerIdentity = currentOwner(),
  startOf: (pid: number) => string | undefined = processStartTicks,
): "alive" | "gone" | "unknown" {
  const pid = Number(labels?.[OWNER_PID_LABEL]);
  const start = labels?.[OWNER_START_LABEL];
  if (!labels || !Number.isInteger(pid) || pid <= 0 || !start) return "unknown";
  if (labels[OWNER_HOST_LABEL] !== here.host || !here.pidNamespace || labels[OWNER_PIDNS_LABEL] !== here.pidNamespace) return "unknown";
  if (!here.bootId || labels[OWNER_BOOT_LABEL] !== here.bootId) return here.bootId ? "gone" : "unknown";
  const now = startOf(pid);
  return now !== undefined && now === start ? "alive" : "gone";
}
