/**
 * A real HTTP(S) server on 127.0.0.1 serving a directory laid out like osv.dev's export bucket
 * (<Ecosystem>/all.zip, ecosystems.txt) for `custody vulndb update` tests: strong ETags and
 * Last-Modified with 304s, and faults on demand (HTTP errors, a dropped connection, a slow or stalled
 * body, redirects, required credentials). Plus a plain forwarding HTTP proxy for HTTP_PROXY tests.
 * Nothing is mocked: custody talks to these over sockets.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { connect, type AddressInfo } from 'node:net';
import { join, normalize, sep } from 'node:path';

export type Fault =
  | { kind: 'status'; status: number }
  /** Announce the full length, send `afterBytes`, then cut the connection. */
  | { kind: 'drop'; afterBytes: number }
  /** Send `chunk` bytes every `intervalMs`. */
  | { kind: 'slow'; chunk: number; intervalMs: number }
  /** Send headers, then nothing. */
  | { kind: 'stall' }
  | { kind: 'redirect'; location: string; status?: number }
  /** 401 unless the Authorization header is exactly this. */
  | { kind: 'auth'; authorization: string };

export interface ServedRequest {
  method: string;
  path: string;
  status: number;
  /** Body bytes written. */
  bytes: number;
  authorization?: string;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
}

export interface OsvServer {
  url: string;
  port: number;
  requests: ServedRequest[];
  /** Apply a fault to every path that starts with `prefix` ('/Go/all.zip'); `undefined` clears it. */
  fault(prefix: string, fault: Fault | undefined): void;
  clearFaults(): void;
  close(): Promise<void>;
}

export interface OsvServerOptions {
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
}

/** Serve `root` on 127.0.0.1 (a random port). */
export async function startOsvServer(root: string, o: OsvServerOptions = {}): Promise<OsvServer> {
  const faults = new Map<string, Fault>();
  const requests: ServedRequest[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const log: ServedRequest = { method: req.method ?? 'GET', path, status: 0, bytes: 0 };
    if (req.headers.authorization) log.authorization = req.headers.authorization;
    if (req.headers['if-none-match']) log.ifNoneMatch = req.headers['if-none-match'];
    if (req.headers['if-modified-since']) log.ifModifiedSince = req.headers['if-modified-since'];
    requests.push(log);
    const send = (status: number, body?: Buffer, headers: Record<string, string> = {}): void => {
      log.status = status;
      res.writeHead(status, { ...headers, ...(body ? { 'content-length': String(body.length) } : { 'content-length': '0' }) });
      if (body) log.bytes += body.length;
      res.end(body);
    };
    const fault = [...faults.entries()].find(([p]) => path.startsWith(p))?.[1];
    if (fault?.kind === 'status') return send(fault.status, Buffer.from(`fault ${fault.status}\n`));
    if (fault?.kind === 'redirect') return send(fault.status ?? 302, undefined, { location: fault.location });
    if (fault?.kind === 'auth' && req.headers.authorization !== fault.authorization) return send(401, Buffer.from('unauthorized\n'), { 'www-authenticate': 'Basic realm="osv"' });
    const file = normalize(join(root, path));
    if (!file.startsWith(normalize(root) + sep)) return send(403);
    let st;
    try {
      st = statSync(file);
    } catch {
      return send(404, Buffer.from('not found\n'));
    }
    if (!st.isFile()) return send(404, Buffer.from('not found\n'));
    const body = readFileSync(file);
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`;
    const lastModified = new Date(Math.floor(st.mtimeMs / 1000) * 1000).toUTCString();
    const inm = req.headers['if-none-match'];
    const ims = req.headers['if-modified-since'];
    // RFC 9110 13.1.2 / 13.1.3: If-None-Match wins; If-Modified-Since only without it.
    if (inm !== undefined ? inm.split(',').map((x: string) => x.trim()).includes(etag) : ims !== undefined && Date.parse(ims) >= Date.parse(lastModified)) {
      log.status = 304;
      res.writeHead(304, { etag, 'last-modified': lastModified });
      res.end();
      return;
    }
    const headers = { etag, 'last-modified': lastModified, 'content-type': 'application/zip', 'content-length': String(body.length) };
    log.status = 200;
    if (fault?.kind === 'drop') {
      res.writeHead(200, headers);
      const part = body.subarray(0, Math.min(fault.afterBytes, body.length));
      log.bytes += part.length;
      res.write(part, () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    if (fault?.kind === 'stall') {
      res.writeHead(200, headers);
      res.flushHeaders();
      return;
    }
    if (fault?.kind === 'slow') {
      res.writeHead(200, headers);
      let at = 0;
      const tick = (): void => {
        if (res.destroyed) return;
        const next = body.subarray(at, at + fault.chunk);
        at += next.length;
        log.bytes += next.length;
        if (at >= body.length) res.end(next);
        else res.write(next, () => setTimeout(tick, fault.intervalMs));
      };
      tick();
      return;
    }
    send(200, body, { etag, 'last-modified': lastModified, 'content-type': 'application/zip' });
  };
  const server = o.tls ? createHttpsServer({ key: o.tls.key, cert: o.tls.cert }, handler) : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${o.tls ? 'https' : 'http'}://127.0.0.1:${port}/`,
    port,
    requests,
    fault: (prefix, f) => {
      if (f) faults.set(prefix, f);
      else faults.delete(prefix);
    },
    clearFaults: () => faults.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * An HTTP proxy that records what went through it: CONNECT tunnels (what undici's proxy agent opens,
 * for http and https targets alike) and absolute-form requests.
 */
export async function startHttpProxy(): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const server = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push(req.url ?? '');
    const target = new URL(req.url ?? '/');
    const up = httpRequest({ hostname: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: req.method, headers: { ...req.headers, host: target.host } }, (r: IncomingMessage) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  server.on('connect', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    seen.push(`CONNECT ${req.url ?? ''}`);
    const [host, p] = (req.url ?? '').split(':');
    const up = connect(Number(p), host ?? '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
