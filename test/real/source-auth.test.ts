/**
 * Real tier: the TLS + basic-auth registry of ../shared/tools/registry.sh (AUTH_TLS=1, 127.0.0.1:5001,
 * user/password sbomtest, self-signed CA). Started here when it is not running (~1 min); only the TLS
 * instance this file started is stopped afterwards.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSource } from '../../src/source/index.js';
import { IMAGES, SHARED } from '../helpers/paths.js';

const STATE = process.env.REGISTRY_STATE ?? '/tmp/sbomtest-registry';
const CA = join(STATE, 'tls', 'ca.crt');
const REF = 'registry:127.0.0.1:5001/sbomtest/debian-min:latest';
const tmp = mkdtempSync(join(tmpdir(), 'custody-auth-'));
let started = false;


beforeAll(async () => {
  if (!existsSync(CA) || !(await isListening())) {
    execFileSync('bash', [join(SHARED, 'tools', 'registry.sh'), 'start'], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, AUTH_TLS: '1', IMAGES_DIR: IMAGES } });
    started = true;
  }
  writeFileSync(join(tmp, 'auth.json'), JSON.stringify({ auths: { '127.0.0.1:5001': { auth: Buffer.from('sbomtest:sbomtest').toString('base64') } } }));
  writeFileSync(join(tmp, 'bad.json'), JSON.stringify({ auths: { '127.0.0.1:5001': { username: 'sbomtest', password: 'wrong-password' } } }));
}, 600_000);

afterAll(() => {
  if (started) {
    const pidFile = join(STATE, 'registry-tls.pid');
    if (existsSync(pidFile)) process.kill(Number(readFileSync(pidFile, 'utf8').trim()));
  }
  rmSync(tmp, { recursive: true, force: true });
});

async function isListening(): Promise<boolean> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const s = net.connect(5001, '127.0.0.1', () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });
}

describe('registry with TLS and basic auth (127.0.0.1:5001)', () => {
  it('pulls with REGISTRY_AUTH_FILE credentials and the registry CA', async () => {
    const src = await openSource(REF, { caFile: CA, env: { REGISTRY_AUTH_FILE: join(tmp, 'auth.json'), HOME: tmp } });
    try {
      const r = await src.resolver({ wants: (p) => p === '/var/lib/dpkg/status' });
      const root = join(IMAGES, 'rootfs', 'debian-min');
      const expected = readdirSync(root, { recursive: true, withFileTypes: true })
        .filter((d) => d.isFile())
        .map((d) => `/${relative(root, join(d.parentPath, d.name))}`)
        .sort();
      expect([...r.entries()].filter((e) => e.kind === 'file').map((e) => e.path)).toEqual(expected);
      expect((await r.read('/var/lib/dpkg/status')).toString()).toContain('Package: base-files');
    } finally {
      await src[Symbol.asyncDispose]();
    }
  });

  it('without credentials, with wrong ones, or without the CA: exit 5 saying what to do, never the password', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ caFile: CA, env: { HOME: tmp } }, 'SOURCE_REGISTRY_UNAUTHORIZED', /log in/],
      [{ caFile: CA, env: { REGISTRY_AUTH_FILE: join(tmp, 'bad.json'), HOME: tmp } }, 'SOURCE_REGISTRY_UNAUTHORIZED', /rejected/],
      [{ env: { REGISTRY_AUTH_FILE: join(tmp, 'auth.json'), HOME: tmp } }, 'SOURCE_REGISTRY_UNREACHABLE', /certificate is not trusted/],
    ];
    for (const [o, code, hint] of cases) {
      const err = (await openSource(REF, o).then(() => undefined, (e: unknown) => e)) as { exitCode: number; code: string; message: string; hint: string };
      expect(err).toMatchObject({ exitCode: 5, code });
      expect(err.hint).toMatch(hint);
      expect(`${err.message} ${err.hint}`).not.toMatch(/wrong-password|sbomtest:sbomtest|c2JvbXRlc3Q6c2JvbXRlc3Q/);
    }
  });
});

