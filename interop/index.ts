// Public face of interop/: run records in other tools' formats. Today Inspect AI's eval logs (`export inspect`), .eval or JSON.
export { exportInspect, InspectExportError, INSPECT_LOG_FORMATS, type InspectLogFormat, type InspectExportOptions, type InspectExportResult } from "./inspect-export.js";
export { evalFileOf } from "./inspect-eval-file.js";
export { runToSample, scoreOf, primaryRole, INSPECT_SCORER, type SampleInput } from "./inspect-sample.js";
export { INSPECT_LOG_VERSION, type InspectLog, type InspectSample, type InspectEvent, type InspectMessage, type InspectModelUsage, type InspectScore } from "./inspect-schema.js";
