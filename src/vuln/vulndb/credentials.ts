/**
 * Credentials for a vulnerability-data mirror, from the environment or a netrc file, and the one
 * function that turns a URL into something printable. Credentials are only ever sent to the source's
 * own origin and never appear in messages, reports or the cache's manifest.
 *
 * Precedence: CUSTODY_VULNDB_TOKEN (bearer) > CUSTODY_VULNDB_USERNAME + CUSTODY_VULNDB_PASSWORD (basic)
 * > user:password in the source URL > the netrc entry for the host (`$NETRC`, else `~/.netrc`; the
 * `machine` entry, else `default`). netrc format: https://www.gnu.org/software/inetutils/manual/html_node/The-_002enetrc-file.html
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** An Authorization header and the one origin it may be sent to. */
export interface Credentials {
  origin: string;
  authorization: string;
  /** Where they came from, for messages ('CUSTODY_VULNDB_TOKEN', 'netrc ~/.netrc'): never the secret itself. */
  from: string;
}

/** netrc files are small; a bigger one is not read (and not a reason to fail: no credentials). */
const MAX_NETRC_BYTES = 1024 * 1024;

/**
 * The credentials for `source`, or undefined.
 * `env` is the process environment as the CLI passes it.
 */
export async function resolveCredentials(source: URL, env: Readonly<Record<string, string | undefined>>): Promise<Credentials | undefined> {
  const origin = source.origin;
  const token = env.CUSTODY_VULNDB_TOKEN;
  if (token) return { origin, authorization: `Bearer ${token}`, from: 'CUSTODY_VULNDB_TOKEN' };
  const user = env.CUSTODY_VULNDB_USERNAME;
  if (user) return { origin, authorization: basic(user, env.CUSTODY_VULNDB_PASSWORD ?? ''), from: 'CUSTODY_VULNDB_USERNAME/CUSTODY_VULNDB_PASSWORD' };
  if (source.username !== '') {
    return { origin, authorization: basic(decodeURIComponent(source.username), decodeURIComponent(source.password)), from: 'the source URL' };
  }
  const path = env.NETRC || (env.HOME ? join(env.HOME, '.netrc') : undefined);
  if (path === undefined) return undefined;
  let text: string;
  try {
    const buf = await readFile(path);
    if (buf.length > MAX_NETRC_BYTES) return undefined;
    text = buf.toString('utf8');
  } catch {
    return undefined;
  }
  const entry = netrcEntry(text, source.hostname);
  if (entry?.login === undefined) return undefined;
  return { origin, authorization: basic(entry.login, entry.password ?? ''), from: `netrc ${path}` };
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/** The login/password netrc gives `host` (its `machine` entry, else `default`). */
export function netrcEntry(text: string, host: string): { login?: string; password?: string } | undefined {
  const tokens = tokenize(text);
  let current: { machine?: string; login?: string; password?: string } | undefined;
  const entries: { machine?: string; login?: string; password?: string }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === 'machine') {
      current = { machine: tokens[++i] ?? '' };
      entries.push(current);
    } else if (t === 'default') {
      current = {};
      entries.push(current);
    } else if (t === 'login' && current) current.login = tokens[++i];
    else if (t === 'password' && current) current.password = tokens[++i];
    else if (t === 'account') i++;
    else if (t === 'macdef') {
      // A macro body runs to the next blank line; the tokenizer marks it.
      i++;
      while (i + 1 < tokens.length && tokens[i + 1] !== '\n\n') i++;
    }
  }
  const exact = entries.find((e) => e.machine !== undefined && e.machine.toLowerCase() === host.toLowerCase());
  const entry = exact ?? entries.find((e) => e.machine === undefined);
  return entry ? { ...(entry.login !== undefined ? { login: entry.login } : {}), ...(entry.password !== undefined ? { password: entry.password } : {}) } : undefined;
}

/** Whitespace-separated tokens; double-quoted tokens may hold spaces; a blank line is its own token ('\n\n'). */
function tokenize(text: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\n[ \t]*\n)|([^\s"]+)/g;
  for (const m of text.matchAll(re)) {
    if (m[1] !== undefined) out.push(m[1].replace(/\\(.)/g, '$1'));
    else if (m[2] !== undefined) out.push('\n\n');
    else if (m[3] !== undefined) out.push(m[3]);
  }
  return out.filter((t, i) => t !== '\n\n' || out[i - 1] !== '\n\n');
}

/**
 * A URL safe to print: no user or password, and no query string (signed mirror URLs carry tokens
 * there): 'https://mirror.example/osv/Maven/all.zip?…'.
 */
export function redactUrl(url: URL | string): string {
  let u: URL;
  try {
    u = new URL(String(url));
  } catch {
    return '(an unparseable URL)';
  }
  const query = u.search !== '' ? '?…' : '';
  return `${u.protocol}//${u.host}${u.pathname}${query}`;
}
