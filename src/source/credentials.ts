/**
 * Registry credentials from REGISTRY_AUTH_FILE (containers auth.json) or the Docker config
 * ($DOCKER_CONFIG/config.json, ~/.docker/config.json): `auths` entries with a base64 `auth`
 * or `username`/`password`. Credential helpers are not run (warned about). Credentials are never
 * logged or put into messages.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
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

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
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
    const cfg = readJson(file);
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
