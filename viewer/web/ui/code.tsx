// Syntax-highlighted code (highlight.js, bundled). highlight.js escapes the text it is given, so model-written
// code reaches the page as text inside its <span>s and never as markup.
import hljs from "highlight.js/lib/core";
import python from "highlight.js/lib/languages/python";
import json from "highlight.js/lib/languages/json";
import { useMemo } from "preact/hooks";

hljs.registerLanguage("python", python);
hljs.registerLanguage("json", json);

/** Above this size highlighting costs more than it helps: the code is shown plain. */
const HIGHLIGHT_LIMIT = 200_000;

export function highlightLine(line: string, language = "python"): string {
  return hljs.highlight(line, { language, ignoreIllegals: true }).value;
}

export function Code(props: { code: string; language?: string; class?: string }) {
  const html = useMemo(
    () => (props.code.length > HIGHLIGHT_LIMIT ? null : hljs.highlight(props.code, { language: props.language ?? "python", ignoreIllegals: true }).value),
    [props.code, props.language],
  );
  return (
    <pre class={`code ${props.class ?? ""}`}>
      {html === null ? <code>{props.code}</code> : <code class="hljs" dangerouslySetInnerHTML={{ __html: html }} />}
    </pre>
  );
}

/** Plain text (stdout, prompts, answers): always a text node. */
export function Text(props: { text: string; class?: string }) {
  return <pre class={`text ${props.class ?? ""}`}>{props.text}</pre>;
}
