// The run page's search section (runs made with --search): the tree, and the clicked node in full — its plan, its
// code diffed against its parent's, its output or error, its validation and test score. A node's detail is
// fetched when it is clicked (the tree itself carries no code), so a 500-node tree stays light.
import { useEffect, useState } from "preact/hooks";
import type { SearchNodeDetail, SearchView } from "../../api.js";
import type { DataSource } from "../data.js";
import { Badge, Loading, fmtInt, fmtMs, fmtScore } from "../ui/bits.js";
import { Code, Text } from "../ui/code.js";
import { LineDiff } from "../ui/diff.js";
import { SearchTree } from "../ui/search-tree.js";

function NodeDetail(props: { source: DataSource; path: string; id: string }) {
  const [loaded, setLoaded] = useState<{ id: string; detail?: SearchNodeDetail; error?: string }>({ id: props.id });
  useEffect(() => {
    let alive = true;
    setLoaded({ id: props.id });
    props.source.searchNode(props.path, props.id).then(
      (detail) => alive && setLoaded({ id: props.id, detail }),
      (error: unknown) => alive && setLoaded({ id: props.id, error: (error as Error).message }),
    );
    return () => {
      alive = false;
    };
  }, [props.path, props.id]);
  const detail = loaded.id === props.id ? loaded.detail : undefined;
  if (!detail) return <Loading what={`node ${props.id}`} error={loaded.error} />;
  const { node, parentCode } = detail;
  return (
    <article class="search-node-detail" data-node={node.id}>
      <h3>
        {node.id} <span class="muted">{node.operator}</span> {node.buggy ? <Badge tone="bad">buggy</Badge> : <Badge tone="good">works</Badge>}{" "}
        <span class="node-scores">
          validation <strong>{fmtScore(node.validationScore)}</strong> · test <strong>{fmtScore(node.testScore)}</strong>
        </span>
      </h3>
      <p class="muted small">
        step {node.step} · {node.reason} · {fmtMs(node.durationMs)} · {fmtInt(node.tokens.input)} / {fmtInt(node.tokens.output)} tokens ·{" "}
        attempt #{node.attempt}
        {node.parent ? ` · from ${node.parent}` : ""}
      </p>
      <h4>Plan</h4>
      <Text text={node.plan || "(none)"} />
      <h4>Code</h4>
      {parentCode !== null ? <LineDiff before={parentCode} after={node.code} beforeLabel={node.parent ?? ""} afterLabel={node.id} /> : <Code code={node.code} />}
      {node.error ? (
        <>
          <h4>Error</h4>
          <Text text={node.error} />
        </>
      ) : null}
      <h4>Output (tail)</h4>
      <Text text={node.output || "(empty)"} />
    </article>
  );
}

export function SearchSection(props: { source: DataSource; path: string; view: SearchView }) {
  const { view } = props;
  const [focused, setFocused] = useState<string | undefined>(undefined);
  const buggy = view.nodes.filter((n) => n.buggy).length;
  return (
    <div>
      <p class="search-summary">
        {view.policy ?? "search"} · {view.done}
        {view.steps !== null ? ` of ${view.steps}` : ""} steps · {buggy} buggy · {view.stopped ? `stopped: ${view.stopped}` : <Badge tone="warn">running</Badge>}
        {view.selected ? (
          <>
            {" "}
            · selected <strong>{view.selected}</strong>
          </>
        ) : null}
        {view.lowerIsBetter === null ? <span class="muted"> · metric direction unknown: colours assume higher is better</span> : null}
      </p>
      <p class="search-legend muted small">
        <span>D draft · B debug · I improve</span>
        <span>colour: validation score, red worst → green best {view.lowerIsBetter ? "(lower is better)" : ""}</span>
        <span>grey dashed: buggy</span>
        <span>blue: the selected node (thickest ring) and its path from its draft</span>
      </p>
      <SearchTree view={view} focused={focused} onSelect={setFocused} />
      {focused ? <NodeDetail source={props.source} path={props.path} id={focused} /> : <p class="muted">Click a node to see its plan, its code against its parent's, and its output.</p>}
    </div>
  );
}
