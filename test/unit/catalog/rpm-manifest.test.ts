import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type CatalogContext } from '../../../src/catalog/cataloger.js';
import { rpmDbCataloger } from '../../../src/catalog/rpm/index.js';
import { parseRpmManifest } from '../../../src/catalog/rpm/manifest.js';
import { catalogRoot } from './helpers.js';

// The layout of syft's and trivy's fixtures (`rpm -qa --qf` of a CBL-Mariner 2.0 distroless image).
const MANIFEST = [
  'mariner-release\t2.0-12.cm2\t1653816591\t1653753130\tMicrosoft Corporation\t(none)\t580\tnoarch\t0\tmariner-release-2.0-12.cm2.src.rpm',
  'glibc\t2.35-2.cm2\t1653816591\t1653628955\tMicrosoft Corporation\t(none)\t10855265\tx86_64\t0\tglibc-2.35-2.cm2.src.rpm',
  'vim\t9.0-1.cm2\t1653816591\t1653753130\tMicrosoft Corporation\t2\t45000\tx86_64\t2\tvim-9.0-1.cm2.src.rpm',
  '',
].join('\n');

describe('rpm manifest (CBL-Mariner / Azure Linux distroless: /var/lib/rpmmanifest/container-manifest-2)', () => {
  it('reads one package a line, with the distro, epoch and source rpm in the purl', async () => {
    const r = await catalogRoot([rpmDbCataloger], [
      { path: '/var/lib/rpmmanifest/container-manifest-2', content: MANIFEST },
      { path: '/etc/os-release', content: 'NAME="Common Base Linux Mariner"\nID=mariner\nVERSION_ID="2.0"\n' },
    ]);
    expect(r.warnings).toEqual([]);
    expect(r.packages.map((p) => [p.name, p.version, p.purl, p.supplier, p.foundBy[0]])).toEqual([
      ['glibc', '2.35-2.cm2', 'pkg:rpm/mariner/glibc@2.35-2.cm2?arch=x86_64&distro=mariner-2.0&upstream=glibc-2.35-2.cm2.src.rpm', 'Microsoft Corporation', 'rpm-db-cataloger'],
      ['mariner-release', '2.0-12.cm2', 'pkg:rpm/mariner/mariner-release@2.0-12.cm2?arch=noarch&distro=mariner-2.0&upstream=mariner-release-2.0-12.cm2.src.rpm', 'Microsoft Corporation', 'rpm-db-cataloger'],
      ['vim', '2:9.0-1.cm2', 'pkg:rpm/mariner/vim@9.0-1.cm2?arch=x86_64&distro=mariner-2.0&epoch=2&upstream=vim-9.0-1.cm2.src.rpm', 'Microsoft Corporation', 'rpm-db-cataloger'],
    ]);
    expect(r.packages.find((p) => p.name === 'glibc')!.metadata).toMatchObject({ release: '2.cm2', size: 10855265, source: 'glibc' });
  });

  it('takes the epoch from EPOCHNUM when EPOCH is a literal "(none)" (Azure Linux image builders), 0 as none', () => {
    const ctx: CatalogContext = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const text =
      'ca-certificates-base\t3.0.0-8.azl3\t1748892790\t1735838940\tMicrosoft Corporation\t(none)\t130628\tnoarch\t1\tca-certificates-3.0.0-8.azl3.src.rpm\n' +
      'glibc\t2.35-2.cm2\t1653816591\t1653628955\tMicrosoft Corporation\t(none)\t10855265\tx86_64\t0\tglibc-2.35-2.cm2.src.rpm\n';
    const r = parseRpmManifest({ location: { path: '/var/lib/rpmmanifest/container-manifest-2' }, contents: Buffer.from(text) }, ctx);
    expect(r.packages.map((p) => [p.version, p.purl])).toEqual([
      ['1:3.0.0-8.azl3', 'pkg:rpm/redhat/ca-certificates-base@3.0.0-8.azl3?arch=noarch&epoch=1&upstream=ca-certificates-3.0.0-8.azl3.src.rpm'],
      ['2.35-2.cm2', 'pkg:rpm/redhat/glibc@2.35-2.cm2?arch=x86_64&upstream=glibc-2.35-2.cm2.src.rpm'],
    ]);
  });

  it('a line that is not ten fields or whose version-release does not split is incomplete; the others are read; CRLF and no final newline are fine', () => {
    const incomplete: string[] = [];
    const ctx: CatalogContext = { warn: () => {}, incomplete: (m) => incomplete.push(m), limits: DEFAULT_LIMITS };
    const text = 'a\t1-1\t0\t0\tV\t(none)\t1\tx86_64\t0\ta-1-1.src.rpm\r\nbroken line\nb\t1.0\t0\t0\tV\t(none)\t1\tx86_64\t0\tb-1.0-1.src.rpm\nc\t2-3\t0\t0\t(none)\t(none)\t1\tnoarch\t0\tc-2-3.src.rpm';
    const r = parseRpmManifest({ location: { path: '/var/lib/rpmmanifest/container-manifest-2' }, contents: Buffer.from(text) }, ctx);
    expect(r.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['a@1-1', 'c@2-3']);
    expect(r.packages[1]!.supplier).toBeUndefined();
    expect(incomplete).toEqual(['rpm manifest: 2 line(s) not read (line 2: 1 tab-separated fields, not 10; line 3: version-release "1.0" is not one version and one release)']);
  });

  it('never throws on hostile bytes, and reports only names without spaces (property)', () => {
    const ctx: CatalogContext = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 1024 }).map((a) => Buffer.from(a)),
          fc.array(fc.oneof(fc.constantFrom('\t', '\n', '-', '(none)', '0', 'x86_64'), fc.string({ maxLength: 8 })), { maxLength: 60 }).map((p) => Buffer.from(p.join(''))),
        ),
        (bytes) => {
          const r = parseRpmManifest({ location: { path: '/var/lib/rpmmanifest/container-manifest-2' }, contents: bytes }, ctx);
          for (const p of r.packages) {
            expect(p.name).not.toMatch(/\s|^$/);
            expect(p.purl).toMatch(/^pkg:rpm\//);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
