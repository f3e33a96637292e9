// Public face of datasets/openml/: importing OpenML tasks and suites (REST API) as task folders and bench suites.
export { importOpenMLTask, openmlTaskFolderId, parseOpenMLId, type OpenMLImportOptions, type OpenMLImportResult } from "./import.js";
export { importOpenMLSuite, type OpenMLSuiteResult } from "./suite.js";
export { cacheSource } from "./cache.js";
export { restSource, OpenMLError, type OpenMLSource, type RestOptions } from "./client.js";
export { DEFAULT_OPENML_SERVER, OpenMLRecordError, type OpenMLTask, type OpenMLDataset, type OpenMLStudy } from "./records.js";
export { metricForMeasure, OPENML_MEASURE_NAMES, OPENML_TASK_KINDS } from "./measures.js";
export { parseArff, splitArffValues, ArffFormatError, type Arff, type ArffAttribute } from "./arff.js";
