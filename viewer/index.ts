// Public face of viewer/: `linguacodus view` — a local, read-only web viewer of run records, benches and every
// agent call (server with live updates, or one exported HTML file), and the data layer behind its pages.
export { startViewer, viewerApp, type ViewerServer, type ViewerServerOptions } from "./server.js";
export { exportViewer, exportBundle, type ExportResult } from "./export.js";
export { ViewerSource, OutsideFolderError, NotFoundError } from "./source.js";
export { readWebAssets, webAssetDir, type WebAssets } from "./page.js";
export { attemptParents, attemptOfCall, stageOfCall, stageTimeline, instructionsView } from "./derive.js";
export {
  CALLS_PAGE_SIZE,
  CallsQuerySchema,
  RunQuerySchema,
  type AttemptView,
  type CallView,
  type CallsPayload,
  type ChartsPayload,
  type ExportBundle,
  type IndexPayload,
  type IndexRun,
  type RunPayload,
  type StageRow,
} from "./api.js";
