// The attempt tree, as AIDE draws its solution journal: one node per attempt (initial → fixes → feedback
// rounds), coloured by outcome, with the error class or the score on the node. Layout by d3-hierarchy.
import { stratify, tree } from "d3-hierarchy";
import type { AttemptView } from "../../api.js";
import { fmtScore } from "./bits.js";

const NODE_W = 132;
const NODE_H = 44;
const GAP_X = 28;
const GAP_Y = 34;

export function AttemptTree(props: { attempts: AttemptView[]; selected?: string; onSelect: (attempt: string) => void }) {
  const { attempts } = props;
  if (attempts.length === 0) return <p class="muted">No attempt has run yet.</p>;
  // One synthetic root holds every first attempt (a run resumed from scratch may have several roots).
  const rows = [{ id: "root", parent: null as string | null }, ...attempts.map((a) => ({ id: a.attempt, parent: a.parent ?? "root" }))];
  const root = stratify<{ id: string; parent: string | null }>()
    .id((d) => d.id)
    .parentId((d) => d.parent)(rows);
  tree<{ id: string; parent: string | null }>().nodeSize([NODE_W + GAP_X, NODE_H + GAP_Y])(root);
  const nodes = root.descendants().filter((n) => n.id !== "root");
  const xs = nodes.map((n) => n.x ?? 0);
  const minX = Math.min(...xs) - NODE_W / 2 - 8;
  const width = Math.max(...xs) - minX + NODE_W / 2 + 8;
  const height = Math.max(...nodes.map((n) => n.y ?? 0)) + NODE_H + 8;
  const byId = new Map(attempts.map((a) => [a.attempt, a]));
  const top = (y: number) => y - (NODE_H + GAP_Y) + 4;
  return (
    <svg class="attempt-tree" width={width} height={height - (NODE_H + GAP_Y) + 8} viewBox={`${minX} 0 ${width} ${height - (NODE_H + GAP_Y) + 8}`} role="img" aria-label="attempt tree">
      {root.links()
        .filter((l) => l.source.id !== "root")
        .map((l) => (
          <path
            key={`${l.source.id}-${l.target.id}`}
            class="tree-edge"
            d={`M${l.source.x},${top(l.source.y ?? 0) + NODE_H} C${l.source.x},${top(l.source.y ?? 0) + NODE_H + GAP_Y / 2} ${l.target.x},${top(l.target.y ?? 0) - GAP_Y / 2} ${l.target.x},${top(l.target.y ?? 0)}`}
          />
        ))}
      {nodes.map((n) => {
        const a = byId.get(n.id ?? "")!;
        const tone = a.valid ? "good" : a.outcome === "ok" ? "warn" : "bad";
        const label = a.valid ? `score ${fmtScore(a.score)}` : (a.errorClass ?? a.outcome);
        return (
          <g
            key={n.id}
            class={`tree-node ${tone} ${props.selected === a.attempt ? "selected" : ""}`}
            transform={`translate(${(n.x ?? 0) - NODE_W / 2},${top(n.y ?? 0)})`}
            onClick={() => props.onSelect(a.attempt)}
            data-attempt={a.attempt}
          >
            <title>{`attempt ${a.attempt} (${a.kind}) — ${a.valid ? "valid submission" : (a.errorMessage ?? a.outcome)}`}</title>
            <rect width={NODE_W} height={NODE_H} rx={6} />
            <text x={8} y={17} class="tree-title">
              {`#${a.attempt} ${a.kind}${a.feedbackRound > 0 ? ` r${a.feedbackRound}` : ""}`}
            </text>
            <text x={8} y={34} class="tree-label">
              {label.length > 19 ? `${label.slice(0, 18)}…` : label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
