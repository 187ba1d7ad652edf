// `npm run playground`: serves the repository's built package and playground/ from 127.0.0.1 with the headers
// that make the page cross-origin isolated (COOP/COEP), so SharedArrayBuffer, and with it the threaded wasm
// kernels, are available. Run `npm run build` first (the npm script does). Only the built package (/dist/) and
// playground/ are served; '/' is playground/index.html.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PAGE = join(ROOT, 'playground');
const TYPES = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
};
const ISOLATED = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/**
 * The file a request names: '/' is the page, '/dist/…' comes from `dist`, '/playground/…' from playground/;
 * null for anything else.
 */
function fileFor(path, dist) {
  const decoded = decodeURIComponent(path);
  if (decoded.startsWith('/dist/')) {
    const file = normalize(join(dist, decoded.slice('/dist/'.length)));
    return file.startsWith(dist + sep) ? file : null;
  }
  if (path === '/') return join(PAGE, 'index.html');
  const file = normalize(join(ROOT, decoded));
  return file.startsWith(PAGE + sep) ? file : null;
}

/**
 * Starts the server on 127.0.0.1 (`port` 0 picks a free one); resolves to the Node server once it listens.
 * `dist` is the directory served as /dist/ (default the repository's dist/).
 */
export function startServer(port = 0, { dist = join(ROOT, 'dist') } = {}) {
  const distRoot = resolve(dist);
  const server = createServer((req, res) => {
    const file = fileFor(new URL(req.url ?? '/', 'http://localhost').pathname, distRoot);
    if (file === null || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, ISOLATED).end();
      return;
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, { ...ISOLATED, 'Content-Type': type }).end(readFileSync(file));
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok(server));
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (!existsSync(join(ROOT, 'dist/index.js'))) {
    console.error('playground: dist/index.js is missing; run npm run build first');
    process.exit(1);
  }
  const port = Number(process.env.PORT ?? 8080);
  const server = await startServer(port).catch((err) => {
    console.error(
      `playground: cannot listen on 127.0.0.1:${port} (${err.message}); set PORT to another port`,
    );
    process.exit(1);
  });
  console.log(`mtlgrad playground: http://127.0.0.1:${server.address().port}/ (Ctrl-C stops it)`);
}
