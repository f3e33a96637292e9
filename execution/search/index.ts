// Tree search over the pipeline's operators (issue 20): the tree and its records, the policies, the search
// operator, and AIDE's journal shape.
export { SearchTree, nodeId, type VisibleNode } from "./tree.js";
export { SEARCH_POLICIES, DEFAULT_SEARCH_SETTINGS, POLICIES, greedyPolicy, mctsPolicy, stepRandom, type SearchPolicyName, type SearchSettings, type SearchAction, type SearchPolicy } from "./policies.js";
export { search, searchConfig, readSearchNodes, type SearchConfig } from "./driver.js";
export { toAideJournal, type AideJournalJson, type AideNodeJson } from "./aide-journal.js";
