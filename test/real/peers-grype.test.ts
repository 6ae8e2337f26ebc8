/**
 * `scan --engine grype` with the REAL grype (v0.121.3, built from the Go module proxy by
 * scripts/install-peers.mjs). grype's vulnerability database is built from online feeds and cannot be built
 * or downloaded here, so this covers what the real binary does without one: every failure is custody's
 * TOOL_FAILED (exit 4) carrying grype's own words, never a clean "no vulnerabilities". Findings mapping is
 * covered by the recorded real grype reports (scan-reports.test.ts, scan-engines.e2e.test.ts).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { IMAGES } from '../helpers/paths.js';
import { peerEnv, peerPath } from '../helpers/peers.js';
import { runBuilt } from '../helpers/run-cli.js';

const IMAGE = join(IMAGES, 'docker-archive', 'debian-min.tar');
let grype = '';

beforeAll(async () => {
  grype = await peerPath('grype');
}, 1_800_000);

/** custody's environment for one run: a fresh HOME (so no grype database anywhere), the real grype. */
function env(extra: Record<string, string> = {}): Record<string, string> {
  const e = peerEnv({ CUSTODY_GRYPE_PATH: grype });
  // custody itself turns grype's release check off; the database update is left to grype (it needs the network)
  delete e.GRYPE_CHECK_FOR_APP_UPDATE;
  delete e.GRYPE_DB_AUTO_UPDATE;
  return { ...e, ...extra };
}

describe('scan --engine grype (real grype, no vulnerability database)', () => {
  it('an image: grype tries to download its database, cannot, and stops: exit 4 TOOL_FAILED with grype\'s message', async () => {
    const r = await runBuilt(['scan', `docker-archive:${IMAGE}`, '--engine', 'grype'], { env: env(), timeoutMs: 300_000 });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`error [TOOL_FAILED]: grype exited with code 1 while scanning docker-archive:${IMAGE}`);
    expect(r.stderr).toContain('failed to load vulnerability db: database does not exist');
    // no release check: custody sets GRYPE_CHECK_FOR_APP_UPDATE=false (grype would say "failed to fetch latest version")
    expect(r.stderr).not.toContain('failed to fetch latest version');
    expect(r.stderr).not.toContain('\x1b[');
  });

  it('database updates turned off by the user: the same failure, without the download attempt', async () => {
    const r = await runBuilt(['scan', `docker-archive:${IMAGE}`, '--engine', 'grype'], { env: env({ GRYPE_DB_AUTO_UPDATE: 'false' }), timeoutMs: 300_000 });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('failed to load vulnerability db: database does not exist');
    expect(r.stderr).not.toContain('unable to download listing');
  });

  it('a corrupt database file: exit 4 with grype\'s "file is not a database"', async () => {
    const home = mkdtempSync(join(tmpdir(), 'custody-grype-db-'));
    mkdirSync(join(home, 'db', '6'), { recursive: true });
    writeFileSync(join(home, 'db', '6', 'vulnerability.db'), randomBytes(8192));
    writeFileSync(join(home, 'db', '6', 'import.json'), '{}');
    const r = await runBuilt(['scan', `docker-archive:${IMAGE}`, '--engine', 'grype'], { env: env({ GRYPE_DB_AUTO_UPDATE: 'false', GRYPE_DB_CACHE_DIR: join(home, 'db') }), timeoutMs: 300_000 });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('error [TOOL_FAILED]: grype exited with code 1');
    expect(r.stderr).toContain('file is not a database');
  });

  it('an SBOM target: custody reads the SBOM, hands grype sbom:FILE, and reports grype\'s failure the same way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custody-grype-sbom-'));
    const sbom = join(dir, 'debian-min.cdx.json');
    const gen = await runBuilt(['sbom', 'generate', `docker-archive:${IMAGE}`, '-o', `cyclonedx-json=${sbom}`]);
    expect(gen.code).toBe(0);
    const r = await runBuilt(['scan', sbom, '--engine', 'grype'], { env: env({ GRYPE_DB_AUTO_UPDATE: 'false' }), timeoutMs: 300_000 });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`error [TOOL_FAILED]: grype exited with code 1 while scanning sbom:${sbom}`);
    expect(r.stderr).toContain('database does not exist');
  });
});
