"""Loads a linguacodus search/journal.json with AIDE's own code (aideml, unmodified) and prints, as JSON, what AIDE
makes of it: each node's parent and children, stage, bugginess, debug depth and metric; the drafts, good and buggy
nodes; the best node; and the edges of AIDE's tree export. Usage: python load_journal.py <journal.json>"""

import json
import sys
from importlib.metadata import version
from types import SimpleNamespace

import aide
from aide.journal import Journal
from aide.utils import serialize, tree_export

journal = serialize.load_json(sys.argv[1], Journal)
best = journal.get_best_node()
tree = tree_export.cfg_to_tree_struct(SimpleNamespace(exp_name="linguacodus"), journal)

print(
    json.dumps(
        {
            "aideml": version("aideml"),
            "module": aide.__file__,
            "nodes": [
                {
                    "id": n.id,
                    "step": n.step,
                    "parent": n.parent.id if n.parent else None,
                    "children": sorted(c.id for c in n.children),
                    "stage": n.stage_name,
                    "is_buggy": n.is_buggy,
                    "debug_depth": n.debug_depth,
                    "metric": n.metric.value,
                    "maximize": n.metric.maximize,
                    "term_out": n.term_out,
                }
                for n in journal.nodes
            ],
            "drafts": [n.id for n in journal.draft_nodes],
            "good": [n.id for n in journal.good_nodes],
            "buggy": [n.id for n in journal.buggy_nodes],
            "best": best.id if best else None,
            "best_any": journal.get_best_node(only_good=False).id,
            "edges": [list(e) for e in tree["edges"]],
        }
    )
)
