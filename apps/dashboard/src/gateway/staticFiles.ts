import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * An HTTP handler serving the built page from `dir`: `/` is `index.html`, other paths are
 * files under `dir` (never outside it), GET and HEAD only. Vite's hashed `assets/` are cached
 * for a year; `index.html` never, so a rebuilt page shows at once.
 *
 * @param dir - the Vite output, e.g. `dist/web`
 * @example
 * const serve = staticFiles('/app/dist/web');
 * http.createServer((req, res) => void serve(req, res));
 */
export function staticFiles(
  dir: string,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const root = normalize(dir + sep);
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('GET only\n');
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end('bad path\n');
      return;
    }
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(root)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    const info = await stat(file).catch(() => null);
    if (info === null || !info.isFile()) {
      const missingPage = path === '/';
      res
        .writeHead(missingPage ? 503 : 404, { 'Content-Type': 'text/plain; charset=utf-8' })
        .end(
          missingPage
            ? `the dashboard page is not built (no ${file}): run \`pnpm --filter @ballast/dashboard build\`\n`
            : 'not found\n',
        );
      return;
    }
    const immutable = path.startsWith('/assets/');
    res.writeHead(200, {
      'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream',
      'Content-Length': info.size,
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  };
}
