// The viewer's page: a hash router over the bench, run, calls and compare pages. Works from the server and from
// an exported file:// page alike. All text from run records is rendered as text nodes (Preact escapes it).
import "highlight.js/styles/github.css";
import "./style.css";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { IndexPayload } from "../api.js";
import { pickSource, type DataSource } from "./data.js";
import { BenchPage } from "./pages/bench.js";
import { CallsPage } from "./pages/calls.js";
import { ComparePage } from "./pages/compare.js";
import { RunPage } from "./pages/run.js";
import { Loading, href, parseRoute, useLive, type Route } from "./ui/bits.js";

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return route;
}

function Bench(props: { source: DataSource }) {
  const loaded = useLive<IndexPayload>(props.source, () => props.source.index(), undefined, []);
  if (!loaded.data) return <Loading what="the runs" error={loaded.error} />;
  if (loaded.data.kind === "run") {
    location.replace(href({ page: "run", path: "." }));
    return null;
  }
  return <BenchPage source={props.source} index={loaded.data} reloads={loaded.reloads} />;
}

function Run(props: { source: DataSource; path: string; focus?: string }) {
  const loaded = useLive(props.source, () => props.source.run(props.path), props.path, [props.path]);
  if (!loaded.data) return <Loading what={`run ${props.path}`} error={loaded.error} />;
  return <RunPage source={props.source} run={loaded.data} focus={props.focus} />;
}

function App(props: { source: DataSource }) {
  const route = useRoute();
  const { source } = props;
  return (
    <>
      <nav class="top">
        <a href={href({ page: "bench" })} class="brand">
          linguacodus view
        </a>
        {route.page !== "bench" ? <a href={href({ page: "bench" })}>bench</a> : null}
        {source.exported ? <span class="muted small">exported file (not live)</span> : <span class="muted small live">live</span>}
      </nav>
      <main>
        {route.page === "bench" ? <Bench source={source} /> : null}
        {route.page === "run" ? <Run key={route.path} source={source} path={route.path} focus={route.focus} /> : null}
        {route.page === "calls" ? <CallsPage source={source} route={route} /> : null}
        {route.page === "compare" ? <ComparePage source={source} a={route.a} b={route.b} /> : null}
      </main>
    </>
  );
}

render(<App source={pickSource()} />, document.getElementById("app")!);
