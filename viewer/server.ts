// The local web server of `linguacodus view`: Hono (a small, well-kept router on web-standard Request/Response,
// with a server-sent-events helper) on Node's http server through @hono/node-server. Read only: no route writes.
// Pages update live through /api/watch, which polls the opened folder's files and says when they change.
import { createHash } from "node:crypto";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono, type Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { z } from "zod";
import { describeZodIssue } from "../core/index.js";
import { CallsQuerySchema, FigureQuerySchema, FileQuerySchema, NodeQuerySchema, RunQuerySchema, WatchQuerySchema } from "./api.js";
import { SERVER_CSP, readWebAssets, servedPage, type WebAssets } from "./page.js";
import { NotFoundError, OutsideFolderError, ViewerSource } from "./source.js";

export interface ViewerServerOptions {
  /** The run folder, folder of runs or bench folder to show. */
  folder: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** How often /api/watch looks for changes (ms). */
  pollMs?: number;
  /** The built web bundle (default: dist/viewer/web). */
  assets?: WebAssets;
}

export interface ViewerServer {
  url: string;
  host: string;
  port: number;
  source: ViewerSource;
  close(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

function queryOf<T>(c: Context, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw new BadRequestError(`query: ${describeZodIssue(parsed.error)}`);
  return parsed.data;
}

class BadRequestError extends Error {}

const digest = (text: string) => createHash("sha1").update(text).digest("hex").slice(0, 16);

/** The Hono app over one opened folder (exported for tests that call it without a socket). */
export function viewerApp(source: ViewerSource, options: { assets: WebAssets; pollMs: number; allowedHosts?: Set<string> }): Hono {
  const app = new Hono();
  const page = servedPage();

  app.use("*", async (c, next) => {
    // A page on another site cannot reach a loopback server through a DNS name that points here (DNS rebinding).
    if (options.allowedHosts) {
      const host = (c.req.header("host") ?? "").toLowerCase();
      if (!options.allowedHosts.has(host)) return c.json({ error: `host ${host || "(none)"} is not served here` }, 403);
    }
    await next();
    if (!c.res.headers.has("Content-Security-Policy")) c.header("Content-Security-Policy", SERVER_CSP);
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "no-referrer");
    c.header("Cache-Control", "no-store");
  });

  app.onError((error, c) => {
    if (error instanceof OutsideFolderError) return c.json({ error: error.message }, 403);
    if (error instanceof NotFoundError) return c.json({ error: error.message }, 404);
    if (error instanceof BadRequestError) return c.json({ error: error.message }, 400);
    return c.json({ error: (error as Error).message }, 500);
  });

  app.get("/", (c) => c.html(page));
  app.get("/favicon.ico", (c) => c.body(null, 204));
  app.get("/assets/app.js", (c) => c.body(options.assets.script, 200, { "Content-Type": "text/javascript; charset=utf-8" }));
  app.get("/assets/app.css", (c) => c.body(options.assets.style, 200, { "Content-Type": "text/css; charset=utf-8" }));

  app.get("/api/index", (c) => c.json(source.index()));
  app.get("/api/charts", async (c) => c.json(await source.chartsPayload()));
  app.get("/api/run", async (c) => c.json(await source.run(queryOf(c, RunQuerySchema).path)));
  app.get("/api/calls", async (c) => c.json(await source.calls(queryOf(c, CallsQuerySchema))));
  app.get("/api/node", (c) => c.json(source.searchNode(queryOf(c, NodeQuerySchema))));
  app.get("/api/file", (c) => {
    const { path } = queryOf(c, FileQuerySchema);
    const file = source.file(path);
    // Plain text in a sandbox: a browser never renders a model-written file as a page.
    return c.body(file.text, 200, { "Content-Type": "text/plain; charset=utf-8", "Content-Security-Policy": "sandbox; default-src 'none'" });
  });

  app.get("/api/figure", (c) => {
    const { path } = queryOf(c, FigureQuerySchema);
    const figure = source.figure(path);
    // An SVG opened on its own is a document: sandboxed with nothing allowed but its own inline styles, no script
    // runs in it (inside the page's <img> none does anyway).
    return c.body(new Uint8Array(figure.bytes), 200, {
      "Content-Type": figure.format === "png" ? "image/png" : "image/svg+xml",
      "Content-Security-Policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    });
  });

  app.get("/api/watch", (c) => {
    const { path } = queryOf(c, WatchQuerySchema);
    // A run is cheap to stamp whole. A bench is large: each poll stamps its own files and its unfinished runs,
    // and every 10th poll every run's files.
    const quick = () => (path === undefined ? source.watchSignature() : source.runSignature(path));
    const full = () => (path === undefined ? source.indexSignature() : source.runSignature(path));
    const safe = (f: () => string) => {
      try {
        return digest(f());
      } catch {
        return "gone";
      }
    };
    let lastQuick = safe(quick);
    let lastFull = path === undefined ? safe(full) : lastQuick;
    return streamSSE(c, async (stream) => {
      let open = true;
      stream.onAbort(() => {
        open = false;
      });
      await stream.writeSSE({ event: "ready", data: lastQuick });
      let polls = 0;
      let quiet = 0;
      while (open) {
        await stream.sleep(path === undefined ? Math.max(options.pollMs, 1000) : options.pollMs);
        polls += 1;
        const nowQuick = safe(quick);
        let changed = nowQuick !== lastQuick;
        lastQuick = nowQuick;
        if (path === undefined && polls % 10 === 0) {
          const nowFull = safe(full);
          changed ||= nowFull !== lastFull;
          lastFull = nowFull;
        }
        if (changed) {
          quiet = 0;
          await stream.writeSSE({ event: "change", data: nowQuick });
        } else if (++quiet * options.pollMs >= 15_000) {
          quiet = 0;
          await stream.writeSSE({ event: "ping", data: nowQuick });
        }
      }
    });
  });

  app.notFound((c) => c.json({ error: `no such page: ${c.req.path}` }, 404));
  return app;
}

/** Starts the viewer on host:port (127.0.0.1 unless told otherwise) and resolves once it listens. */
export async function startViewer(options: ViewerServerOptions): Promise<ViewerServer> {
  const source = new ViewerSource(options.folder);
  const host = options.host ?? "127.0.0.1";
  const assets = options.assets ?? readWebAssets();
  const allowedHosts = new Set<string>();
  const app = viewerApp(source, { assets, pollMs: options.pollMs ?? 500, ...(LOOPBACK.has(host) ? { allowedHosts } : {}) });
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolvePromise, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port: options.port ?? 0 }, (info: AddressInfo) => resolvePromise({ server, port: info.port }));
    server.once("error", reject);
  });
  for (const name of ["127.0.0.1", "localhost", "[::1]"]) allowedHosts.add(`${name}:${port}`);
  // Read the records while the browser is still opening the page (the index is cached until they change).
  setTimeout(() => {
    try {
      source.index();
    } catch {
      // the request that needs it reports the problem
    }
  }, 0).unref();
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/`,
    host,
    port,
    source,
    close: () =>
      new Promise<void>((resolveClose) => {
        // Open event streams would keep the server alive: end them with the server.
        if ("closeAllConnections" in server) server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}
