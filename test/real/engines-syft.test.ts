/**
 * `sbom generate --engine syft` with the syft STAND-IN (fixtures/tools/bin/syft: syft cannot be installed
 * here), which replays REAL syft output recorded in ../shared/corpus/sboms/syft/ (see MANIFEST.md).
 * The adapter runs it exactly as it would run syft (CUSTODY_SYFT_PATH); nothing here is syft-specific.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSbom } from '../../src/sbom/index.js';
import { decodeNativeSbom } from '../../src/sbom/native/index.js';
import { CORPUS, FIXTURES, IMAGES } from '../helpers/paths.js';
import { runBuilt } from '../helpers/run-cli.js';

const STANDIN = join(FIXTURES, 'tools', 'bin', 'syft');
const out = mkdtempSync(join(tmpdir(), 'custody-syft-real-'));
const IMAGE = join(IMAGES, 'docker-archive', 'debian-min.tar');

interface Artifact {
  name: string;
  version: string;
  purl?: string;
  cpes: (string | { cpe: string })[];
  locations: { path: string; layerID?: string }[];
}

const RECORDED = [
  ['syft-0.101.1-alpine-3.12.syft.json', '0.101.1', '3.12.12'],
  ['syft-json-schema-6-alpine.syft.json', '[not provided]', '3.16.3'],
] as const;

describe('--engine syft (stand-in replaying recorded syft output)', () => {
  it.each(RECORDED)('stand-in replaying %s: every artifact, in every output format', async (file, syftVersion, distroVersion) => {
    const replay = join(CORPUS, 'sboms', 'syft', file);
    const recorded = JSON.parse(readFileSync(replay, 'utf8')) as { artifacts: Artifact[] };
    expect(recorded.artifacts).toHaveLength(14);
    const argvLog = join(out, `${file}.argv`);
    const files = { cdx: join(out, `${file}.cdx.json`), xml: join(out, `${file}.cdx.xml`), spdx: join(out, `${file}.spdx.json`), json: join(out, `${file}.json`) };
    const r = await runBuilt(
      ['sbom', 'generate', `docker-archive:${IMAGE}`, '--engine', 'syft', '-o', `cyclonedx-json=${files.cdx}`, '-o', `cyclonedx-xml=${files.xml}`, '-o', `spdx-json=${files.spdx}`, '-o', `json=${files.json}`, '-o', 'table'],
      { env: { CUSTODY_SYFT_PATH: STANDIN, SYFT_STANDIN_REPLAY: replay, SYFT_STANDIN_ARGV_LOG: argvLog } },
    );
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    // custody ran "syft scan <source> -o syft-json" with its own source prefix and an absolute path
    expect(readFileSync(argvLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[])).toEqual([['scan', `docker-archive:${IMAGE}`, '-o', 'syft-json']]);

    const want = recorded.artifacts.map((a) => `${a.name}@${a.version}`).sort();
    // (re-read CycloneDX also carries the distro as an operating-system component: compare the apk packages)
    const sets = [await readSbom(files.cdx), await readSbom(files.xml), await readSbom(files.spdx), decodeNativeSbom(JSON.parse(readFileSync(files.json, 'utf8')))].map((s) =>
      s.packages
        .filter((p) => p.type === 'apk')
        .map((p) => `${p.name}@${p.version}`)
        .sort(),
    );
    for (const s of sets) expect(s).toEqual(want);
    const table = r.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/\s{2,}/));
    expect(table.map((c) => `${c[0]}@${c[1]}`).sort()).toEqual(want);
    expect(table.every((c) => c[2] === 'apk' && c[3] === 'syft')).toBe(true);

    // mapping keeps purls, CPEs, layer locations and syft's cataloger name
    const model = decodeNativeSbom(JSON.parse(readFileSync(files.json, 'utf8')));
    expect(model.tools).toEqual([{ name: 'custody', version: expect.any(String) }, { name: 'syft', version: syftVersion, vendor: 'anchore' }]);
    expect(model.distro).toMatchObject({ id: 'alpine', versionId: distroVersion });
    expect(model.subject).toMatchObject({ name: `docker-archive:${IMAGE}`, transport: 'docker-archive', kind: 'image' });
    for (const a of recorded.artifacts) {
      const p = model.packages.find((x) => x.name === a.name && x.version === a.version)!;
      expect(p.purl).toBe(a.purl);
      expect(p.cpes).toEqual(a.cpes.map((c) => (typeof c === 'string' ? c : c.cpe)));
      expect(p.locations).toEqual(a.locations.map((l) => (l.layerID ? { path: l.path, layer: l.layerID } : { path: l.path })));
      expect(p.foundBy).toEqual(['syft']);
      expect(String(p.metadata?.syftFoundBy)).toMatch(/apk/);
    }
    // the CycloneDX output records syft as a tool
    expect(readFileSync(files.cdx, 'utf8')).toContain('"syft"');
  });

  it('stand-in: --engine native,syft on debian-min with alpine output recorded elsewhere: nothing agrees, and the table says so', async () => {
    const replay = join(CORPUS, 'sboms', 'syft', 'syft-0.101.1-alpine-3.12.syft.json');
    const r = await runBuilt(['sbom', 'generate', `docker-archive:${IMAGE}`, '--engine', 'native,syft', '-o', 'table'], {
      env: { CUSTODY_SYFT_PATH: STANDIN, SYFT_STANDIN_REPLAY: replay },
    });
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/FOUND-BY\s+AGREEMENT\s+PATH$/);
    const body = rows.slice(1, -2).map((l) => l.split(/\s{2,}/));
    expect(body.filter((c) => c[2] === 'apk').every((c) => c[3] === 'syft' && c[4] === 'not native')).toBe(true);
    expect(body.filter((c) => c[2] === 'deb').every((c) => c[3] === 'native' && c[4] === 'not syft')).toBe(true);
    expect(body.filter((c) => c[2] === 'apk')).toHaveLength(14);
    expect(body.filter((c) => c[2] === 'deb')).toHaveLength(88);
    expect(rows.at(-1)).toBe('0 of 102 packages found by all of native, syft');
    expect(r.stderr).toContain('engines native, syft: 0 of 102 packages found by all; only native: 88; only syft: 14');
  });

  it('stand-in: registry sources are handed to syft as registry:REF', async () => {
    const argvLog = join(out, 'registry.argv');
    const r = await runBuilt(['sbom', 'generate', 'registry:127.0.0.1:5000/sbomtest/debian-min:latest', '--plain-http', '--engine', 'syft', '-o', 'json'], {
      env: { CUSTODY_SYFT_PATH: STANDIN, SYFT_STANDIN_ARGV_LOG: argvLog },
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(argvLog, 'utf8').trim())).toEqual(['scan', 'registry:127.0.0.1:5000/sbomtest/debian-min:latest', '-o', 'syft-json']);
    expect(JSON.parse(r.stdout).subject).toMatchObject({ name: 'registry:127.0.0.1:5000/sbomtest/debian-min:latest', transport: 'registry' });
  });
});
