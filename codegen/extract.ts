// Getting Python out of what a model says: fenced blocks (closed or cut off), several blocks, `[PYTHON]` tags,
// bare code with prose around it, notebook magics. What cannot be told apart is left for the syntax check.

export type ExtractionMethod = "fenced" | "tagged" | "unfenced" | "none";

export interface ExtractedCode {
  /** The script; empty when the text holds no code. */
  code: string;
  /** The code blocks found, in order, before joining. */
  blocks: string[];
  method: ExtractionMethod;
  /** The output ended inside a block (a fence never closed): the code is probably cut short. */
  truncated: boolean;
}

const PYTHON_TAGS = new Set(["", "python", "python3", "py", "ipython", "ipython3", "pycon"]);
const NON_PYTHON_TAGS = new Set([
  "bash", "sh", "shell", "console", "text", "txt", "plaintext", "output", "json", "yaml", "yml", "csv", "markdown", "md",
  "sql", "r", "javascript", "js", "ts", "typescript", "toml", "ini", "diff", "html",
]);

interface Fenced {
  tag: string;
  body: string;
  closed: boolean;
}

/** Fenced blocks (``` or ~~~, three or more), including one left open at the end of the text. */
function fencedBlocks(text: string): Fenced[] {
  const lines = text.split(/\r?\n/);
  const blocks: Fenced[] = [];
  let open: { fence: string; tag: string; body: string[] } | undefined;
  for (const line of lines) {
    if (!open) {
      const start = /^\s*(`{3,}|~{3,})\s*([\w+#.-]*)/.exec(line);
      if (start) open = { fence: start[1] as string, tag: (start[2] ?? "").toLowerCase(), body: [] };
      continue;
    }
    const trimmed = line.trim();
    if (trimmed.startsWith(open.fence[0]!.repeat(3)) && /^(`{3,}|~{3,})$/.test(trimmed) && trimmed.length >= open.fence.length) {
      blocks.push({ tag: open.tag, body: open.body.join("\n"), closed: true });
      open = undefined;
    } else {
      open.body.push(line);
    }
  }
  if (open) blocks.push({ tag: open.tag, body: open.body.join("\n"), closed: false });
  return blocks;
}

/** Code Llama style `[PYTHON] … [/PYTHON]` and `<code> … </code>` tags. */
function taggedBlocks(text: string): Fenced[] {
  const out: Fenced[] = [];
  const re = /\[PYTHON\]([\s\S]*?)(\[\/PYTHON\]|$)|<code>([\s\S]*?)(<\/code>|$)/gi;
  for (const m of text.matchAll(re)) {
    const body = m[1] ?? m[3] ?? "";
    const close = m[2] ?? m[4] ?? "";
    if (body.trim() !== "") out.push({ tag: "python", body, closed: close !== "" });
  }
  return out;
}

const PY_KEYWORD_START =
  /^(import|from|def|class|if|elif|else|for|while|with|try|except|finally|return|raise|assert|async|await|global|nonlocal|pass|break|continue|del|lambda|yield|print)\b/;

/** A line a Python file could hold at top level (as opposed to a sentence of prose). */
function looksLikeCode(line: string): boolean {
  const t = line.trimEnd();
  if (t.trim() === "") return true;
  if (/^\s/.test(t)) return true; // indented: inside a block
  if (t.startsWith("#") || t.startsWith("@")) return true;
  if (PY_KEYWORD_START.test(t)) {
    // "For each column, fill the gaps." starts with a keyword only by case; Python keywords are lowercase.
    return !/^(for|if|with|while|from|import)\s+[^:]*[.!?]$/.test(t) || /[=(:]/.test(t);
  }
  if (/^[A-Za-z_][\w.]*(\[[^\]]*\])*\s*(=|\+=|-=|\*=|\/=|\(|\[|:\s*[A-Za-z_][\w.[\], ]*\s*=)/.test(t)) return true;
  if (/^[A-Za-z_][\w]*\s*,\s*[A-Za-z_][\w]*(\s*,\s*[A-Za-z_][\w]*)*\s*=/.test(t)) return true; // tuple unpacking
  if (/^[)\]}]/.test(t)) return true;
  if (/^("""|'''|"|')/.test(t)) return true;
  return false;
}

function isNotebookMagic(line: string): boolean {
  return /^\s*[!%]/.test(line) || /^\s*pip\s+install\b/.test(line);
}

/** Drops prose before, after and between code in a text with no fences. */
function unfencedCode(text: string): string {
  const lines = text.split(/\r?\n/).filter((l) => !isNotebookMagic(l));
  const strongStart = /^(import\s|from\s+\S+\s+import\s|def\s|class\s|#!|[A-Za-z_][\w.]*\s*=)/;
  const first = lines.findIndex((l) => strongStart.test(l));
  if (first === -1) return "";
  const kept: string[] = [];
  let inString: string | undefined;
  for (const line of lines.slice(first)) {
    if (inString) {
      kept.push(line);
      if (line.includes(inString)) inString = undefined;
      continue;
    }
    const tripleCount = (line.match(/"""|'''/g) ?? []).length;
    if (looksLikeCode(line)) {
      kept.push(line);
      if (tripleCount % 2 === 1) inString = line.includes('"""') ? '"""' : "'''";
    }
  }
  // Trailing blank lines and a dangling prose tail are dropped.
  while (kept.length > 0 && kept[kept.length - 1]!.trim() === "") kept.pop();
  return kept.join("\n");
}

/** Normalized non-trivial lines, to tell a repeated (revised) script from a continuation. */
function significantLines(code: string): Set<string> {
  return new Set(
    code
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l.length > 3 && !l.startsWith("#")),
  );
}

/**
 * Joins the Python blocks of one answer. Blocks that continue each other are concatenated; a block that
 * repeats most of an earlier one is a revision and replaces it (models often show a script, then "the
 * corrected version").
 */
function joinBlocks(blocks: string[]): string {
  const kept: string[] = [];
  for (const block of blocks) {
    const lines = significantLines(block);
    const revisedIndex = kept.findIndex((earlier) => {
      const earlierLines = significantLines(earlier);
      if (earlierLines.size === 0 || lines.size === 0) return false;
      let shared = 0;
      for (const l of earlierLines) if (lines.has(l)) shared++;
      return shared / Math.min(earlierLines.size, lines.size) >= 0.6;
    });
    if (revisedIndex >= 0) {
      // Keep the longer one: a short snippet that repeats a few lines of the script is an excerpt, not a revision.
      if (block.length >= kept[revisedIndex]!.length * 0.8) kept[revisedIndex] = block;
    } else {
      kept.push(block);
    }
  }
  return kept.join("\n\n");
}

function cleanBlock(body: string): string {
  const lines = body.split(/\r?\n/).filter((l) => !isNotebookMagic(l));
  // Interactive-session prompts (>>> / ...) are stripped when every code line has them.
  const codeLines = lines.filter((l) => l.trim() !== "");
  if (codeLines.length > 0 && codeLines.every((l) => /^(>>>|\.\.\.)( |$)/.test(l))) {
    return lines.map((l) => l.replace(/^(>>>|\.\.\.) ?/, "")).join("\n").trim();
  }
  return lines.join("\n").replace(/^\s*\n/, "").trimEnd();
}

/** Extracts the Python script from a model's answer. */
export function extractCode(text: string): ExtractedCode {
  const fenced = fencedBlocks(text);
  const python = fenced.filter((b) => PYTHON_TAGS.has(b.tag) && b.body.trim() !== "");
  const usable = python.length > 0 ? python : fenced.filter((b) => !NON_PYTHON_TAGS.has(b.tag) && b.body.trim() !== "");
  if (usable.length > 0) {
    const blocks = usable.map((b) => cleanBlock(b.body)).filter((b) => b !== "");
    return { code: joinBlocks(blocks), blocks, method: "fenced", truncated: usable.some((b) => !b.closed) };
  }
  const tagged = taggedBlocks(text);
  if (tagged.length > 0) {
    const blocks = tagged.map((b) => cleanBlock(b.body)).filter((b) => b !== "");
    return { code: joinBlocks(blocks), blocks, method: "tagged", truncated: tagged.some((b) => !b.closed) };
  }
  if (fenced.length > 0 && fenced.every((b) => NON_PYTHON_TAGS.has(b.tag))) {
    // Only shell/output blocks: the prose outside them may still be bare code.
    const outside = text.replace(/(`{3,}|~{3,})[\s\S]*?(\1|$)/g, "");
    const code = unfencedCode(outside);
    return { code, blocks: code ? [code] : [], method: code ? "unfenced" : "none", truncated: false };
  }
  const code = unfencedCode(text);
  return { code, blocks: code ? [code] : [], method: code ? "unfenced" : "none", truncated: false };
}
