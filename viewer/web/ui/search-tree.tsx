// A run's search tree as one SVG (hundreds of nodes stay cheap: a circle, a letter and a title each): drafts hang
// from a synthetic root, nodes are coloured by validation score in the metric's direction (red worst → green
// best, by rank within the tree), buggy nodes grey with a red dashed ring, the selected node's path from its draft
// drawn thick. Layout by d3-hierarchy.
import { stratify, tree } from "d3-hierarchy";
import type { SearchNodeSummary, SearchView } from "../../api.js";
import { fmtScore } from "./bits.js";

const R = 11;
const GAP_X = 30;
const GAP_Y = 52;
const PAD = 24;
const LETTER: Record<SearchNodeSummary["operator"], string> = { draft: "D", debug: "B", improve: "I" };

/** Each scored working node's place between the worst (0) and the best (1) score of the tree. */
function scoreRanks(view: SearchView): Map<string, number> {
  const scored = view.nodes.filter((n) => !n.buggy && n.validationScore !== null);
  const better = view.lowerIsBetter === true ? -1 : 1;
  const sorted = [...new Set(scored.map((n) => n.validationScore!))].sort((a, b) => better * (a - b));
  const place = new Map(sorted.map((s, i) => [s, sorted.length === 1 ? 1 : i / (sorted.length - 1)]));
  return new Map(scored.map((n) => [n.id, place.get(n.validationScore!)!]));
}

/** The selected node and its ancestors up to its draft. */
export function selectedPath(view: SearchView): Set<string> {
  const byId = new Map(view.nodes.map((n) => [n.id, n]));
  const path = new Set<string>();
  for (let id = view.selected; id !== null && byId.has(id) && !path.has(id); id = byId.get(id)!.parent) path.add(id);
  return path;
}

export function SearchTree(props: { view: SearchView; focused?: string; onSelect: (id: string) => void }) {
  const { view } = props;
  if (view.nodes.length === 0) return <p class="muted">No node has finished yet.</p>;
  const known = new Set(view.nodes.map((n) => n.id));
  // A node whose parent is not (yet) in the file hangs from the root rather than breaking the layout.
  const rows = [{ id: "root", parent: null as string | null }, ...view.nodes.map((n) => ({ id: n.id, parent: n.parent !== null && known.has(n.parent) ? n.parent : "root" }))];
  const root = stratify<{ id: string; parent: string | null }>()
    .id((d) => d.id)
    .parentId((d) => d.parent)(rows);
  tree<{ id: string; parent: string | null }>().nodeSize([2 * R + GAP_X, 2 * R + GAP_Y])(root);
  const drawn = root.descendants().filter((n) => n.id !== "root");
  const minX = Math.min(...drawn.map((n) => n.x ?? 0)) - R - PAD;
  const width = Math.max(...drawn.map((n) => n.x ?? 0)) - minX + R + PAD;
  const rowH = 2 * R + GAP_Y;
  const y = (depth: number) => (depth - 1) * rowH + R + PAD / 2;
  const height = Math.max(...drawn.map((n) => n.depth)) * rowH;
  const ranks = scoreRanks(view);
  const onPath = selectedPath(view);
  const byId = new Map(view.nodes.map((n) => [n.id, n]));
  return (
    <div class="search-tree-wrap">
      <svg class="search-tree" width={width} height={height} viewBox={`${minX} 0 ${width} ${height}`} role="img" aria-label="search tree">
        {root.links()
          .filter((l) => l.source.id !== "root")
          .map((l) => (
            <path
              key={l.target.id}
              class={`search-edge ${onPath.has(l.target.id!) ? "on-path" : ""}`}
              d={`M${l.source.x},${y(l.source.depth) + R} C${l.source.x},${y(l.source.depth) + R + GAP_Y / 2} ${l.target.x},${y(l.target.depth) - R - GAP_Y / 2} ${l.target.x},${y(l.target.depth) - R}`}
            />
          ))}
        {drawn.map((d) => {
          const n = byId.get(d.id!)!;
          const rank = ranks.get(n.id);
          const fill = n.buggy ? undefined : rank === undefined ? "#d0d7de" : `hsl(${Math.round(120 * rank)}, 62%, 58%)`;
          const cls = `search-node ${n.buggy ? "buggy" : ""} ${onPath.has(n.id) ? "on-path" : ""} ${props.focused === n.id ? "focused" : ""} ${view.selected === n.id ? "selected" : ""}`;
          return (
            <g key={n.id} class={cls} transform={`translate(${d.x},${y(d.depth)})`} onClick={() => props.onSelect(n.id)} data-node={n.id} data-operator={n.operator}>
              <title>{`${n.id} ${n.operator} (step ${n.step}) — ${n.buggy ? "buggy" : `validation ${fmtScore(n.validationScore)}`}; ${n.reason}`}</title>
              <circle r={R} style={fill ? { fill } : undefined} />
              <text class="search-letter" dy="0.35em">
                {LETTER[n.operator]}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
