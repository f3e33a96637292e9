// Public face of core/: the bottom layer every folder may import (no imports from the rest of the project):
// reading values that cross a boundary through zod, with one wording of what is wrong.
export { describeZodIssue, describeZodIssues, parseWith, readJsonFile, type ReadJsonOptions } from "./json.js";
export { projectFile } from "./assets.js";
export { readFileHead } from "./files.js";
export { acquireFolderLock, lockedMessage, LockHolderSchema, type FolderLock, type FolderLockRequest, type LockHolder } from "./lock.js";
