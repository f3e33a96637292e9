// Public face of execution/: the run record (schemas, writer, reader, summary).
export * from "./record.js";
