// Reading part of a file: large run files and data files are shown or sampled by their head, never read whole.
import { closeSync, openSync, readSync } from "node:fs";

/** The first `maxBytes` bytes of a file (all of it when shorter). */
export function readFileHead(path: string, maxBytes: number): Buffer {
  const buffer = Buffer.alloc(maxBytes);
  const fd = openSync(path, "r");
  try {
    return buffer.subarray(0, readSync(fd, buffer, 0, maxBytes, 0));
  } finally {
    closeSync(fd);
  }
}
