/**
 * A plain static file server for e2e tests (no Vite, no COOP/COEP headers): what a static host such as
 * GitHub Pages does. It serves `root` under `prefix`, answers 404 for anything else, and `allow`
 * can hide files (to play a fresh clone that has only the committed assets).
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.csv': 'text/csv',
  '.txt': 'text/plain',
};

export interface StaticServer {
  url: string;
  /** Decides per path inside root (e.g. "assets/x.png") whether the file exists; default all. */
  allow: (rel: string) => boolean;
  close(): Promise<void>;
}

export async function serveStatic(root: string, prefix: string, port: number): Promise<StaticServer> {
  const state: StaticServer = { url: `http://127.0.0.1:${port}${prefix}`, allow: () => true, close: async () => undefined };
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let rel = pathname.startsWith(prefix) ? pathname.slice(prefix.length) : null;
    if (rel === '') rel = 'index.html';
    const file = rel === null ? null : path.join(root, rel);
    if (!file || !file.startsWith(path.resolve(root)) || !state.allow(rel!) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const size = fs.statSync(file).size;
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'content-length': size });
    if (req.method === 'HEAD') res.end();
    else fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  state.close = () => new Promise((resolve) => server.close(() => resolve()));
  return state;
}
