// scripts/install-peers.mjs without building anything: the pinned table, where binaries go, the version
// check that makes installs idempotent, and reuse of a cached binary (no Go run).
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../helpers/run-cli.js';

interface Peer {
  pkg: string;
  version: string;
  env: string;
  bin?: string;
  versionArgs: string[];
}
const mod = (await import(pathToFileURL(join(PROJECT_ROOT, 'scripts', 'install-peers.mjs')).href)) as {
  PEERS: Record<string, Peer>;
  SETS: Record<string, string[]>;
  peersDir(env: Record<string, string | undefined>): string;
  peerPath(name: string, dir: string): string;
  checkVersion(name: string, bin: string): string | undefined;
  installPeer(name: string, o: { dir: string; log: (m: string) => void }): { source: string; path: string; version: string };
};

/** A stand-in binary printing `text` for any arguments (exit 0). */
function fakeBinary(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `#!/bin/sh\nprintf '%s\\n' '${text}'\n`);
  chmodSync(path, 0o755);
}

describe('install-peers: pinned versions', () => {
  it('every peer is pinned to an exact version of a module path, with its CUSTODY_*_PATH variable', () => {
    for (const [name, p] of Object.entries(mod.PEERS)) {
      expect(p.version, name).toMatch(/^v\d+\.\d+\.\d+$/);
      expect(p.pkg, name).toMatch(/^github\.com\//);
      expect(p.env, name).toMatch(/^CUSTODY_[A-Z0-9_]+_PATH$/);
    }
    expect(Object.keys(mod.PEERS).sort()).toEqual(['cosign', 'cosign3', 'grype', 'opa', 'slsa-verifier', 'syft', 'trivy']);
  });

  it('the CI set is what the real tier asserts and names only known peers; trivy and OPA stay out of it', () => {
    expect(mod.SETS.ci).toEqual(['syft', 'grype', 'cosign', 'cosign3', 'slsa-verifier']);
    for (const set of Object.values(mod.SETS)) for (const n of set) expect(mod.PEERS[n], n).toBeDefined();
  });

  it('binaries live in <peers dir>/<tool>@<version>/<binary>; CUSTODY_PEERS_DIR moves the folder', () => {
    expect(mod.peersDir({ CUSTODY_PEERS_DIR: '/x/peers' })).toBe('/x/peers');
    expect(mod.peersDir({ XDG_CACHE_HOME: '/c' })).toBe('/c/custody/peers');
    expect(mod.peerPath('syft', '/p')).toBe('/p/syft@v1.57.2/syft');
    expect(mod.peerPath('cosign3', '/p')).toBe('/p/cosign3@v3.1.3/cosign');
    expect(() => mod.peerPath('nope', '/p')).toThrow(/unknown peer nope/);
  });
});

describe('install-peers: the version check (idempotence)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'custody-peers-unit-'));

  it('accepts a binary reporting the pinned version, refuses another version, a missing file and a failing one', () => {
    const ok = join(dir, 'ok', 'syft');
    fakeBinary(ok, 'Application: syft\nVersion:       1.57.2');
    expect(mod.checkVersion('syft', ok)).toBe('Version:       1.57.2');
    const other = join(dir, 'other', 'syft');
    fakeBinary(other, 'Version:       1.57.1');
    expect(mod.checkVersion('syft', other)).toBeUndefined();
    const unstamped = join(dir, 'unstamped', 'syft');
    fakeBinary(unstamped, 'Version:       [not provided]');
    expect(mod.checkVersion('syft', unstamped)).toBeUndefined();
    expect(mod.checkVersion('syft', join(dir, 'missing'))).toBeUndefined();
    expect(mod.checkVersion('cosign3', ok)).toBeUndefined();
  });

  it('reuses a cached binary that reports the pinned version without building anything', () => {
    const peers = join(dir, 'peers');
    fakeBinary(mod.peerPath('cosign3', peers), 'GitVersion:    v3.1.3');
    const logs: string[] = [];
    const got = mod.installPeer('cosign3', { dir: peers, log: (m) => logs.push(m) });
    expect(got).toMatchObject({ source: 'cache', path: mod.peerPath('cosign3', peers), version: 'GitVersion:    v3.1.3' });
    expect(logs).toEqual([]);
  });
});
