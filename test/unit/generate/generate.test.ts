import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseOutputs, platformFileName } from '../../../src/cli/sbom-generate.js';
import { collectingLogger } from '../../../src/core/log.js';
import { UsageError } from '../../../src/core/errors.js';
import { generateSbom } from '../../../src/generate/index.js';
import { FIXTURES } from '../../helpers/paths.js';
import { runInProcess } from '../../helpers/run-cli.js';

const LAYER1 = join(FIXTURES, 'images', 'example', 'layer1');
const tmp = mkdtempSync(join(tmpdir(), 'custody-gen-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('generateSbom', () => {
  it('catalogs a dir: source into the model, with custody as the tool', async () => {
    const log = collectingLogger();
    const sbom = await generateSbom({ target: `dir:${LAYER1}`, log, toolVersion: '9.9.9' });
    if (Array.isArray(sbom)) throw new Error('one SBOM expected');
    expect(sbom.subject).toMatchObject({ kind: 'directory', transport: 'dir' });
    expect(sbom.distro).toMatchObject({ id: 'debian', versionId: '12' });
    expect(sbom.tools).toEqual([{ name: 'custody', version: '9.9.9' }]);
    expect(sbom.packages.filter((p) => p.type === 'deb').map((p) => p.name)).toEqual(['base-files', 'bash', 'curl', 'libc6', 'tzdata', 'zlib1g']);
    expect(sbom.packages.find((p) => p.name === 'zlib1g')!.licenses).toEqual(['Zlib']);
  });

  it('--select os keeps only OS packages; an unknown selector is a usage error before any reading', async () => {
    const sbom = await generateSbom({ target: `dir:${LAYER1}`, log: collectingLogger(), toolVersion: '0', select: ['os'] });
    expect(Array.isArray(sbom) ? [] : sbom.packages.map((p) => p.type).filter((t) => t !== 'deb')).toEqual([]);
    await expect(generateSbom({ target: '/does/not/exist', log: collectingLogger(), toolVersion: '0', select: ['cobol'] })).rejects.toBeInstanceOf(UsageError);
  });

  it('--all-platforms on a directory gives one SBOM', async () => {
    const list = await generateSbom({ target: `dir:${LAYER1}`, log: collectingLogger(), toolVersion: '0', allPlatforms: true });
    expect(list).toHaveLength(1);
  });
});

describe('sbom generate flags', () => {
  it('parses -o FORMAT[=FILE] and defaults to CycloneDX JSON on stdout', () => {
    expect(parseOutputs([])).toEqual([{ format: 'cyclonedx-json' }]);
    expect(parseOutputs(['spdx-json=a.json', 'table', 'cyclonedx-json@1.5=b.json'])).toEqual([
      { format: 'spdx-json', file: 'a.json' },
      { format: 'table' },
      { format: 'cyclonedx-json@1.5', file: 'b.json' },
    ]);
    expect(() => parseOutputs(['yaml'])).toThrow(/unknown output format "yaml"/);
    expect(() => parseOutputs(['json', 'table'])).toThrow(/more than one -o writes to stdout/);
    expect(() => parseOutputs(['json='])).toThrow(UsageError);
  });

  it('puts the platform in file names', () => {
    expect(platformFileName('img.spdx.json', 'linux/arm64/v8')).toBe('img.linux-arm64-v8.spdx.json');
    expect(platformFileName('/out/sbom', 'linux/amd64')).toBe('/out/sbom.linux-amd64');
    expect(platformFileName('./a/.hidden.json', 'linux/amd64')).toBe('a/.hidden.linux-amd64.json');
  });

  it('in process: writes files and the table, deterministic with SOURCE_DATE_EPOCH', async () => {
    const out = join(tmp, 'x.cdx.json');
    const r = await runInProcess(['sbom', 'generate', `dir:${LAYER1}`, '-o', `cyclonedx-json=${out}`, '-o', 'table'], { env: { SOURCE_DATE_EPOCH: '1700000000' } });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^NAME\s+VERSION\s+TYPE\s+FOUND-BY\s+PATH$/);
    expect(r.stdout).toMatch(/^curl\s+7\.88\.1-10\+deb12u12\s+deb\s+dpkg-db-cataloger\s+\/var\/lib\/dpkg\/status$/m);
    expect(r.stderr).toContain(`wrote cyclonedx-json to ${out}`);
    const first = readFileSync(out, 'utf8');
    expect(JSON.parse(first).metadata.timestamp).toBe('2023-11-14T22:13:20.000Z');
    await runInProcess(['sbom', 'generate', `dir:${LAYER1}`, '-o', `cyclonedx-json=${out}`], { env: { SOURCE_DATE_EPOCH: '1700000000' } });
    expect(readFileSync(out, 'utf8')).toBe(first);
  });

  it('in process: usage errors exit 2, missing input exits 3', async () => {
    const bad = await runInProcess(['sbom', 'generate', `dir:${LAYER1}`, '-o', 'yaml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('SBOM_UNKNOWN_FORMAT');
    const scope = await runInProcess(['sbom', 'generate', `dir:${LAYER1}`, '--scope', 'some']);
    expect(scope.code).toBe(2);
    const both = await runInProcess(['sbom', 'generate', `dir:${LAYER1}`, '--platform', 'linux/amd64', '--all-platforms']);
    expect(both.code).toBe(2);
    const missing = await runInProcess(['sbom', 'generate', join(tmp, 'nope.tar')]);
    expect(missing.code).toBe(3);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain('nope.tar');
  });
});
