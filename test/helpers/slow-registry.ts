/**
 * A small, slow OCI distribution registry on 127.0.0.1 for interrupt tests: it serves one OCI layout
 * (the project's example image) as `test/app:1.0`, trickles layer blobs (so a pull is reliably in
 * progress when the test sends a signal), and can leave chosen requests unanswered (a registry that
 * hangs). Real HTTP, real digests: custody checks every blob against its digest as it streams.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';

export interface SlowRegistry {
  host: string;
  /** Paths requested so far, in order. */
  requests: string[];
  /** The manifest digest of `test/app:1.0`. */
  digest: string;
  close(): Promise<void>;
}

export interface SlowRegistryOptions {
  /** Bytes per tick and tick length for layer blobs (default 64 bytes every 100 ms). */
  chunk?: number;
  tickMs?: number;
  /** Requests (by path) never answered. */
  hang?: (path: string) => boolean;
}

/** Serve the OCI layout `layoutDir` (its first manifest) as `test/app:1.0`. */
export async function startSlowRegistry(layoutDir: string, o: SlowRegistryOptions = {}): Promise<SlowRegistry> {
  const index = JSON.parse(readFileSync(join(layoutDir, 'index.json'), 'utf8')) as { manifests: { digest: string; mediaType: string }[] };
  const desc = index.manifests[0]!;
  const blob = (digest: string): Buffer => readFileSync(join(layoutDir, 'blobs', 'sha256', digest.replace(/^sha256:/, '')));
  const manifest = blob(desc.digest);
  const layers = new Set((JSON.parse(manifest.toString('utf8')) as { layers: { digest: string }[] }).layers.map((l) => l.digest));
  const requests: string[] = [];
  const open = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  const chunk = o.chunk ?? 64;
  const tick = o.tickMs ?? 100;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    requests.push(path);
    open.add(res);
    res.on('close', () => open.delete(res));
    if (o.hang?.(path)) return;
    if (path === '/v2/' || path === '/v2') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      return;
    }
    const m = /^\/v2\/test\/app\/(manifests|blobs)\/(.+)$/.exec(path);
    if (m && m[1] === 'manifests' && (m[2] === '1.0' || m[2] === desc.digest)) {
      res.writeHead(200, { 'content-type': desc.mediaType, 'docker-content-digest': desc.digest, 'content-length': manifest.length });
      res.end(req.method === 'HEAD' ? undefined : manifest);
      return;
    }
    if (m && m[1] === 'blobs' && /^sha256:[0-9a-f]{64}$/.test(m[2]!)) {
      let data: Buffer;
      try {
        data = blob(m[2]!);
      } catch {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': data.length, 'docker-content-digest': m[2]! });
      if (!layers.has(m[2]!)) {
        res.end(data);
        return;
      }
      let at = 0;
      const t = setInterval(() => {
        if (res.destroyed) {
          clearInterval(t);
          return;
        }
        res.write(data.subarray(at, at + chunk));
        at += chunk;
        if (at >= data.length) {
          clearInterval(t);
          timers.delete(t);
          res.end();
        }
      }, tick);
      timers.add(t);
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"not found"}]}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    host: `127.0.0.1:${port}`,
    requests,
    digest: desc.digest,
    close: async () => {
      for (const t of timers) clearInterval(t);
      for (const r of open) r.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
