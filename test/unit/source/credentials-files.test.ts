/**
 * Credentials files that exist but cannot be used are said to be so (never silently "no credentials", which
 * ends as a misleading 401), and nothing of their content reaches a message.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/core/log.js';
import { findCredentials } from '../../../src/source/credentials.js';

let dir: string;
const warnings: string[] = [];
const log: Logger = { warn: (m) => void warnings.push(m), info: () => {}, progress: () => {}, debug: () => {} };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'custody-creds-'));
  writeFileSync(join(dir, 'auth.json'), JSON.stringify({ auths: { 'reg.example': { auth: Buffer.from('user:s3cret-pw').toString('base64') } } }));
  writeFileSync(join(dir, 'broken.json'), '{"auths": {"reg.example": {"auth": "dXNlcjpzM2NyZXQtcHc=" ');
  writeFileSync(join(dir, 'array.json'), '[]');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('credentials files', () => {
  it('reads an auth.json named by REGISTRY_AUTH_FILE', () => {
    expect(findCredentials('reg.example', { REGISTRY_AUTH_FILE: join(dir, 'auth.json'), HOME: dir }, log)).toEqual({ username: 'user', password: 's3cret-pw' });
  });

  it.each([
    ['missing.json', 'SOURCE_AUTH_FILE_NOT_FOUND'],
    ['broken.json', 'SOURCE_AUTH_FILE_MALFORMED'],
    ['array.json', 'SOURCE_AUTH_FILE_MALFORMED'],
    ['.', 'SOURCE_AUTH_FILE_IS_DIRECTORY'],
  ])('a REGISTRY_AUTH_FILE %s that cannot be used is %s, naming the file and none of its content', (name, code) => {
    const file = join(dir, name);
    let err: unknown;
    try {
      findCredentials('reg.example', { REGISTRY_AUTH_FILE: file, HOME: dir }, log);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code, exitCode: 3 });
    const text = `${(err as Error).message} ${(err as { hint?: string }).hint ?? ''}`;
    expect(text).toContain(file);
    expect(text).not.toContain('dXNlcjpzM2NyZXQtcHc');
    expect(text).not.toContain('s3cret');
  });

  it('a default Docker config that is not JSON is a warning (never quoting it), then no credentials', () => {
    writeFileSync(join(dir, 'config.json'), '{"auths": {"reg.example": {"auth": "dXNlcjpzM2NyZXQtcHc=" ');
    warnings.length = 0;
    expect(findCredentials('reg.example', { DOCKER_CONFIG: dir, HOME: dir }, log)).toBeUndefined();
    expect(warnings).toEqual([`the registry credentials file ${join(dir, 'config.json')} is not a JSON object; going on without it`]);
  });
});
