/**
 * Gentoo's Portage database (syft's real testdata, Apache-2.0: fixtures/catalog/peers/README.md): the
 * package its directory names, licences with groups expanded, the files it owns.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runtimeBinaryCataloger } from '../../../../src/catalog/binary/index.js';
import { portageCataloger } from '../../../../src/catalog/gentoo/index.js';
import { parseLicenseGroups, portageLicenses, portageOwnedFiles, splitPortageName } from '../../../../src/catalog/gentoo/portage.js';
import { pythonInstalledCataloger } from '../../../../src/catalog/python/index.js';
import { runCatalogers } from '../../../../src/catalog/run.js';
import { collectingLogger } from '../../../../src/core/log.js';
import { createMemoryResolver, type MemoryFile } from '../../../../src/source/index.js';
import { FIXTURES } from '../../../helpers/paths.js';
import { generated } from '../lang-support.js';

const peer = (p: string): Buffer => readFileSync(join(FIXTURES, 'catalog', 'peers', 'syft', 'gentoo', 'testdata', p));
const SKOPEO = 'var/db/pkg/app-containers/skopeo-1.5.1';
const layout = (dir: string): MemoryFile[] => ['CONTENTS', 'LICENSE', 'SIZE'].map((f) => ({ path: `/${SKOPEO}/${f}`, content: peer(`${dir}/${SKOPEO}/${f}`) }));
const run = (files: MemoryFile[], catalogers = [portageCataloger]) => runCatalogers(createMemoryResolver(files), catalogers, { log: collectingLogger() });

describe('portage-cataloger', () => {
  it('the package its directory names, as syft writes it; licences; size; the files it owns', async () => {
    const r = await run(layout('layout'));
    expect(r.packages).toHaveLength(1);
    expect(r.packages[0]).toMatchObject({
      name: 'app-containers/skopeo',
      version: '1.5.1',
      type: 'portage',
      purl: 'pkg:ebuild/app-containers%2Fskopeo@1.5.1',
      licenses: ['Apache-2.0', 'BSD', 'BSD-2', 'CC-BY-SA-4.0', 'ISC', 'MIT'],
      foundBy: ['portage-cataloger'],
      metadata: { license: 'Apache-2.0 BSD BSD-2 CC-BY-SA-4.0 ISC MIT', installedSize: 27937835 },
    });
    expect(r.incomplete).toEqual([]);
  });

  it('@GROUP licences expanded from /etc/portage/license_groups (groups of groups)', async () => {
    const r = await run([...layout('layout-license-groups'), { path: '/etc/portage/license_groups', content: peer('layout-license-groups/etc/portage/license_groups') }]);
    expect(r.packages[0]!.licenses).toEqual(['Apache-2.0', 'BSD', 'BSD-2', 'CC-BY-SA-4.0', 'ISC', 'MIT']);
    expect(r.packages[0]!.metadata?.license).toBe('@GROUP1 @MIT-LIKE');
    // without the groups file the groups are kept as written
    expect((await run(layout('layout-license-groups'))).packages[0]!.licenses).toEqual(['@GROUP1', '@MIT-LIKE']);
    // cycles stop; choices and use-flag conditionals are read as licence names
    expect(portageLicenses('@A || ( MIT GPL-2 ) ssl? ( OpenSSL )', parseLicenseGroups('A @B Zlib\nB @A\n'))).toEqual(['@A', 'Zlib', 'MIT', 'GPL-2', 'OpenSSL']);
  });

  it('the files CONTENTS lists are owned: a runtime binary there is not reported again, a Python package there is owned', async () => {
    const busybox = generated('binary/busybox-1.35.0/busybox');
    const contents = 'dir /bin\nobj /bin/busybox 376c02bd3b22804df8fdfdc895e7dbfb 1649284374\nobj /usr/lib/python3.12/site-packages/six-1.16.0.dist-info/METADATA 376c02bd3b22804df8fdfdc895e7dbfb 1649284374\nsym /usr/bin/sh -> busybox 1649284374\n';
    const r = await run(
      [
        { path: '/var/db/pkg/sys-apps/busybox-1.35.0-r1/CONTENTS', content: contents },
        { path: '/bin/busybox', content: busybox, mode: 0o755 },
        { path: '/usr/lib/python3.12/site-packages/six-1.16.0.dist-info/METADATA', content: 'Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\n' },
      ],
      [portageCataloger, runtimeBinaryCataloger, pythonInstalledCataloger],
    );
    expect(r.packages.map((p) => `${p.type} ${p.name}@${p.version}`).sort()).toEqual(['portage sys-apps/busybox@1.35.0-r1', 'python six@1.16.0']);
    expect(r.relationships.filter((x) => x.type === 'owns')).toHaveLength(1);
  });

  it('a CONTENTS outside a category/name-version directory is incomplete (syft\'s glob-paths fixture)', async () => {
    const r = await run([{ path: '/var/db/pkg/x/y/CONTENTS', content: peer('glob-paths/var/db/pkg/x/y/CONTENTS') }]);
    expect(r.packages).toEqual([]);
    expect(r.incomplete).toEqual([expect.objectContaining({ path: '/var/db/pkg/x/y/CONTENTS', by: 'portage-cataloger', reason: expect.stringMatching(/not a Portage name-version directory/) })]);
  });

  it('name-version splits as Portage spells versions; CONTENTS paths with spaces', () => {
    expect(splitPortageName('skopeo-1.5.1')).toEqual(['skopeo', '1.5.1']);
    expect(splitPortageName('glibc-2.36-r9')).toEqual(['glibc', '2.36-r9']);
    expect(splitPortageName('python-3.11.4_p1-r2')).toEqual(['python', '3.11.4_p1-r2']);
    expect(splitPortageName('font-adobe-100dpi-1.0.3_p4')).toEqual(['font-adobe-100dpi', '1.0.3_p4']);
    expect(splitPortageName('openssl-1.1.1w')).toEqual(['openssl', '1.1.1w']);
    expect(splitPortageName('y')).toBeUndefined();
    expect(portageOwnedFiles('obj /usr/share/a b.txt 376c02bd3b22804df8fdfdc895e7dbfb 1649284374\nsym /lib -> usr/lib 1\ndir /x\n')).toEqual(['/usr/share/a b.txt', '/lib']);
  });

  it('hostile CONTENTS and LICENSE text (fast-check): never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.string({ maxLength: 200 }), (contents, license) => {
        portageOwnedFiles(contents);
        expect(portageLicenses(license, parseLicenseGroups(license)).length).toBeLessThanOrEqual(200);
      }),
      { numRuns: 300 },
    );
  });
});
