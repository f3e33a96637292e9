// Tree search over the pipeline's operators (issue 20): the tree and its records, the policies, the search
// operator, and AIDE's journal shape.
export { SearchTree, nodeId, type VisibleNode } from "./tree.js";
export { SEARCH_POLICIES, DEFAULT_SEARCH_SETTINGS, POLICIES, greedyPolicy, mctsPolicy, stepRandom, type SearchPolicyName, type SearchSettings, type SearchAction, type SearchPolicy } from "./policies.js";
export { search, searchConfig, type SearchConfig } from "./driver.js";
// Read from the record (a search's nodes are part of the run folder); named here too for the search's users.
export { readSearchNodes } from "../record/index.js";
export { toAideJournal, type AideJournalJson, type AideNodeJson } from "./aide-journal.js";
