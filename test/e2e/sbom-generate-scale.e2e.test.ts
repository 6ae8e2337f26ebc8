/**
 * Memory bound of `sbom generate` on a streamed image (issue 17, "Scale"): fixtures/generated/images/scale-oci
 * (scripts/fixtures/scale.mjs) has gzip layers whose wanted files add up to 384 MiB (48 Go executables of
 * 8 MiB, 200 npm packages; a later layer deletes two executables and hard-links a third). Keeping every
 * wanted file until the walk ends, as custody did before, peaked at about 480 MB here; parsing each file
 * as it streams must stay under 256 MB, give every package of the final image and leave no temp files.
 * Peak RSS comes from the child itself (getrusage, through test/helpers/peak-rss.mjs).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GENERATED } from '../helpers/paths.js';
import { BIN, PROJECT_ROOT } from '../helpers/run-cli.js';
// @ts-expect-error the fixture builder is plain JS
import { SCALE } from '../../scripts/fixtures/scale.mjs';

const LIMIT_KIB = 256 * 1024;
const base = mkdtempSync(join(tmpdir(), 'custody-scale-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

interface Scale {
  binaries: number;
  binaryBytes: number;
  npm: number;
  deleted: string[];
  hardlink: [string, string];
}
const S = SCALE as Scale;

function generate(scope: 'squashed' | 'all-layers'): { code: number | null; stdout: string; stderr: string; peakKiB: number; doc: { completeness: string; packages: { name: string; type: string; deleted?: boolean; locations: { path: string }[] }[] }; left: string[] } {
  const tmp = mkdtempSync(join(base, 'tmp-'));
  const out = join(base, `sbom-${scope}.json`);
  const rssFile = join(base, `rss-${scope}`);
  const r = spawnSync(
    process.execPath,
    ['--import', join(PROJECT_ROOT, 'test', 'helpers', 'peak-rss.mjs'), BIN, 'sbom', 'generate', `oci-dir:${join(GENERATED, 'images', 'scale-oci')}`, '--scope', scope, '-o', `json=${out}`],
    { env: { ...process.env, NO_COLOR: '1', TMPDIR: tmp, CUSTODY_PEAK_RSS_FILE: rssFile }, encoding: 'utf8', timeout: 120_000 },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, peakKiB: Number(readFileSync(rssFile, 'utf8')), doc: JSON.parse(readFileSync(out, 'utf8')), left: readdirSync(tmp) };
}

/** The executables' main modules (one package per file: the hard link's target shows up twice). */
const mainModules = (doc: ReturnType<typeof generate>['doc']): string[] => [
  ...new Set(
    doc.packages
      .filter((p) => p.type === 'go-module' && p.name.startsWith('example.com/scale/'))
      .map((p) => `${p.name.slice('example.com/scale/'.length)}${p.deleted ? ' (deleted)' : ''}`)
      .sort(),
  ),
];

describe('sbom generate on a streamed image with 384 MiB of wanted files', () => {
  const tools = Array.from({ length: S.binaries }, (_, i) => `tool-${String(i).padStart(2, '0')}`);

  it('stays under 256 MB peak RSS and reports exactly the final image', () => {
    const r = generate('squashed');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`wrote json to ${join(base, 'sbom-squashed.json')}`);
    expect(r.peakKiB).toBeGreaterThan(0);
    expect(r.peakKiB).toBeLessThan(LIMIT_KIB);
    expect(S.binaries * S.binaryBytes).toBeGreaterThan(LIMIT_KIB * 1024); // the files alone do not fit the bound
    expect(r.doc.completeness).toBe('complete');
    expect(mainModules(r.doc)).toEqual(tools.filter((t) => !S.deleted.includes(t)));
    const linked = r.doc.packages.filter((p) => p.name === `example.com/scale/${S.hardlink[0]}`).flatMap((p) => p.locations.map((l) => l.path));
    expect(linked.sort()).toEqual(S.hardlink.map((n) => `/usr/local/bin/${n}`));
    expect(r.doc.packages.filter((p) => p.type === 'npm')).toHaveLength(S.npm);
    expect(r.left).toEqual([]);
  });

  it('--scope all-layers: the deleted executables too, marked deleted, under the same bound', () => {
    const r = generate('all-layers');
    expect(r.code).toBe(0);
    expect(r.peakKiB).toBeLessThan(LIMIT_KIB);
    expect(mainModules(r.doc)).toEqual(tools.map((t) => (S.deleted.includes(t) ? `${t} (deleted)` : t)));
    expect(r.left).toEqual([]);
  });
});
