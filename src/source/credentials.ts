/**
 * Registry credentials from REGISTRY_AUTH_FILE (containers auth.json) or the Docker config
 * ($DOCKER_CONFIG/config.json, ~/.docker/config.json): `auths` entries with a base64 `auth`
 * or `username`/`password`. Credential helpers are not run (warned about). Credentials are never
 * logged or put into messages.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import { fileProblem, inputFileError } from '../core/input-file.js';
import type { Logger } from '../core/log.js';

export interface Credentials {
  username: string;
  password: string;
}

function hostKey(key: string): string {
  let k = key.replace(/^[a-z]+:\/\//i, '');
  k = k.split('/')[0] ?? k;
  return k === 'index.docker.io' || k === 'registry-1.docker.io' ? 'docker.io' : k;
}

/**
 * A credentials file as JSON, or undefined when it is absent. One that exists but cannot be read or is not a
 * JSON object would silently mean "no credentials" and end as a misleading 401: it is an error when the user
 * named it (REGISTRY_AUTH_FILE) and a warning otherwise. Messages never quote the file's content (a JSON
 * parser's message would), since it holds secrets.
 */
function readJson(file: string, explicit: boolean, log: Logger): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const { problem, reason } = fileProblem(err);
    if (problem === 'not-found' && !explicit) return undefined;
    if (explicit) throw inputFileError({ prefix: 'SOURCE_AUTH_FILE', what: 'REGISTRY_AUTH_FILE', path: file }, problem, reason);
    log.warn(`cannot read the registry credentials in ${file} (${reason}); going on without them`);
    return undefined;
  }
  let v: unknown;
  try {
    v = JSON.parse(text) as unknown;
  } catch {
    v = undefined;
  }
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  if (explicit) {
    throw new InputError('SOURCE_AUTH_FILE_MALFORMED', `REGISTRY_AUTH_FILE ${file} is not a JSON object`, { hint: 'it should be a containers auth.json: {"auths": {"HOST": {"auth": "<base64 user:password>"}}}' });
  }
  log.warn(`the registry credentials file ${file} is not a JSON object; going on without it`);
  return undefined;
}

/** Where credentials are looked up, most specific first. */
export function credentialFiles(env: Readonly<Record<string, string | undefined>>): string[] {
  const files: string[] = [];
  if (env.REGISTRY_AUTH_FILE) files.push(env.REGISTRY_AUTH_FILE);
  if (env.DOCKER_CONFIG) files.push(join(env.DOCKER_CONFIG, 'config.json'));
  files.push(join(env.HOME ?? homedir(), '.docker', 'config.json'));
  return files;
}

export function findCredentials(registry: string, env: Readonly<Record<string, string | undefined>>, log: Logger): Credentials | undefined {
  const want = hostKey(registry);
  for (const file of credentialFiles(env)) {
    const cfg = readJson(file, file === env.REGISTRY_AUTH_FILE, log);
    if (cfg === undefined) continue;
    const auths = cfg.auths;
    if (typeof auths === 'object' && auths !== null) {
      for (const [key, val] of Object.entries(auths as Record<string, unknown>)) {
        if (hostKey(key) !== want || typeof val !== 'object' || val === null) continue;
        const v = val as Record<string, unknown>;
        if (typeof v.auth === 'string' && v.auth !== '') {
          const decoded = Buffer.from(v.auth, 'base64').toString('utf8');
          const i = decoded.indexOf(':');
          if (i > 0) return { username: decoded.slice(0, i), password: decoded.slice(i + 1) };
        }
        if (typeof v.username === 'string' && typeof v.password === 'string') return { username: v.username, password: v.password };
      }
    }
    const helpers = cfg.credHelpers;
    const helperFor = typeof helpers === 'object' && helpers !== null ? Object.keys(helpers).some((k) => hostKey(k) === want) : false;
    if (helperFor || typeof cfg.credsStore === 'string') {
      log.warn(`${file} delegates ${want} credentials to a credential helper, which custody does not run; put an 'auths' entry in REGISTRY_AUTH_FILE instead`);
    }
  }
  return undefined;
}
