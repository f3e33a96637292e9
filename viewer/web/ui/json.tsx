// A structured response as a collapsible JSON tree; keys and values are text nodes.
export function JsonTree(props: { value: unknown; name?: string; depth?: number }) {
  const depth = props.depth ?? 0;
  const { value, name } = props;
  const label = name === undefined ? null : <span class="json-key">{name}: </span>;
  if (value === null || typeof value !== "object") {
    const cls = value === null ? "json-null" : typeof value === "string" ? "json-string" : "json-scalar";
    return (
      <div class="json-leaf">
        {label}
        <span class={cls}>{typeof value === "string" ? JSON.stringify(value) : String(value)}</span>
      </div>
    );
  }
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value as Record<string, unknown>);
  const summary = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
  return (
    <details class="json-node" open={depth < 2}>
      <summary>
        {label}
        <span class="muted">{summary}</span>
      </summary>
      <div class="json-children">
        {entries.map(([k, v]) => (
          <JsonTree key={k} name={k} value={v} depth={depth + 1} />
        ))}
      </div>
    </details>
  );
}
