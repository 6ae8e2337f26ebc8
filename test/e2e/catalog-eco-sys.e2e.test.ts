/**
 * `custody sbom generate dir:…` end to end over a tree of the peers' fixtures for the ecosystems of
 * pacman (Arch), conda, R and Conan: the purls in CycloneDX JSON, and `sbom convert` to SPDX JSON and
 * back keeping them (and the package types).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sbom } from '../../src/sbom/model.js';
import { FIXTURES } from '../helpers/paths.js';
import { runBuilt } from '../helpers/run-cli.js';

let root: string;
const peer = (p: string): string => join(FIXTURES, 'catalog', 'peers', p);

function put(rel: string, from: string | Buffer): void {
  const to = join(root, rel);
  mkdirSync(dirname(to), { recursive: true });
  if (typeof from === 'string') copyFileSync(from, to);
  else writeFileSync(to, from);
}

const EXPECTED = [
  'pkg:alpm/arch/fuzzy@1.2-3?distro=arch',
  'pkg:alpm/arch/gmp@6.2.1-2?arch=x86_64&distro=arch',
  'pkg:conan/boost@1.75.0',
  'pkg:conan/bzip2@1.0.8',
  'pkg:conan/libbacktrace@cci.20210118',
  'pkg:conan/my_user/mfast@1.2.2?channel=my_channel',
  'pkg:conan/tinyxml2@9.0.0',
  'pkg:conan/zlib@1.2.12',
  'pkg:conda/jupyterlab@4.4.3?build=pyhd8ed1ab_0&channel=conda-forge&subdir=noarch&type=conda',
  'pkg:conda/libgomp@11.2.0?build=h1234567_1&channel=main&subdir=linux-64&type=conda',
  'pkg:cran/base@4.3.0',
  'pkg:cran/stringr@1.5.0.9000',
  'pkg:pypi/six@1.16.0',
];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'custody-e2e-eco-sys-'));
  put('etc/os-release', Buffer.from('NAME="Arch Linux"\nID=arch\nBUILD_ID=rolling\n'));
  put('var/lib/pacman/local/gmp-6.2.1-2/desc', peer('syft/arch/installed/gmp-6.2.1-2/desc'));
  put('var/lib/pacman/local/gmp-6.2.1-2/files', peer('syft/arch/installed/gmp-6.2.1-2/files'));
  put('var/lib/pacman/local/fuzzy-1.2-3/desc', peer('syft/arch/installed/fuzzy-1.2-3/desc'));
  // a pacman package that installed a Python package: an `owns` relationship
  put('var/lib/pacman/local/fuzzy-1.2-3/files', Buffer.from('%FILES%\netc/\netc/fuzzy.conf\nusr/lib/python3.12/site-packages/six-1.16.0.dist-info/METADATA\n'));
  put('usr/lib/python3.12/site-packages/six-1.16.0.dist-info/METADATA', Buffer.from('Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\n'));
  put('opt/conda/envs/lab/conda-meta/jupyterlab-4.4.3-pyhd8ed1ab_0.json', peer('syft/conda/conda-meta-python-c-etc/conda-meta/jupyterlab-4.4.3-pyhd8ed1ab_0.json'));
  put('opt/conda/conda-meta/libgomp-11.2.0-h1234567_1.json', peer('trivy/conda/meta/libgomp-11.2.0-h1234567_1.json'));
  put('usr/lib/R/library/base/DESCRIPTION', peer('syft/r/installed/base/DESCRIPTION'));
  put('usr/local/lib/R/site-library/stringr/DESCRIPTION', peer('syft/r/installed/stringr/DESCRIPTION'));
  put('src/cpp/conan.lock', peer('syft/cpp/conan.lock'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('custody sbom generate: pacman, conda, R and Conan (e2e)', () => {
  it('writes their purls to CycloneDX JSON, and sbom convert to SPDX JSON and back keeps them', async () => {
    const cdx = join(root, 'out.cdx.json');
    const r = await runBuilt(['sbom', 'generate', `dir:${root}`, '-o', `cyclonedx-json=${cdx}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/incomplete|error/i);
    const bom = JSON.parse(readFileSync(cdx, 'utf8')) as { components: { purl?: string }[] };
    expect(bom.components.map((c) => c.purl).filter((p) => p !== undefined).sort()).toEqual(EXPECTED);

    const spdx = join(root, 'out.spdx.json');
    const c1 = await runBuilt(['sbom', 'convert', cdx, '-o', 'spdx-json', '--file', spdx]);
    expect(c1.code, c1.stderr).toBe(0);
    const back = join(root, 'back.json');
    const c2 = await runBuilt(['sbom', 'convert', spdx, '-o', 'json', '--file', back]);
    expect(c2.code, c2.stderr).toBe(0);
    const sbom = JSON.parse(readFileSync(back, 'utf8')) as Sbom;
    expect(sbom.packages.map((p) => p.purl).sort()).toEqual(EXPECTED);
    expect([...new Set(sbom.packages.map((p) => p.type))].sort()).toEqual(['alpm', 'conan', 'conda', 'python', 'r-package']);
    const name = new Map(sbom.packages.map((p) => [p.id, p.name]));
    expect(sbom.relationships.filter((x) => x.type === 'owns').map((x) => `${name.get(x.from)} owns ${name.get(x.to)}`)).toEqual(['fuzzy owns six']);

    // CycloneDX XML and back
    const xml = join(root, 'out.cdx.xml');
    expect((await runBuilt(['sbom', 'convert', back, '-o', 'cyclonedx-xml', '--file', xml])).code).toBe(0);
    const back2 = join(root, 'back2.json');
    const c3 = await runBuilt(['sbom', 'convert', xml, '-o', 'json', '--file', back2]);
    expect(c3.code, c3.stderr).toBe(0);
    const again = JSON.parse(readFileSync(back2, 'utf8')) as Sbom;
    expect(again.packages.map((p) => `${p.type} ${p.purl}`).sort()).toEqual(sbom.packages.map((p) => `${p.type} ${p.purl}`).sort());
  });
});
