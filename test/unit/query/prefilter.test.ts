/**
 * The scan pre-filter skips parsing a file only when no package in it can match. These tests hold it to the
 * real decoders: whatever `decodeSbomBytes` + `matchPackage` find, `mayContain` must have let through.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PackageFilter } from '../../../src/sbom/decode.js';
import { decodeSbomBytes } from '../../../src/sbom/index.js';
import { packageFilter } from '../../../src/query/scan-file.js';
import { compileQuery, matchPackage, prefilterNeedle } from '../../../src/query/match.js';
import { compileNeedle, hasEscapedPlainPercent, identityToken, mayContain, NON_IDENTITY_KEYS } from '../../../src/query/prefilter.js';

import { FORMATS } from '../../helpers/sbom-docs.js';

const NEEDLE = 'log4j-core';
const query = compileQuery({ name: NEEDLE });
const needle = prefilterNeedle(query)!;
const compiled = compileNeedle(needle.text, needle.token);

function matches(text: string, keep?: PackageFilter): number {
  const { sbom } = decodeSbomBytes(Buffer.from(text), 'test.json', undefined, keep ? { keep } : {});
  return sbom.packages.filter((p) => matchPackage(query, p)).length;
}

describe('prefilter needle', () => {
  it('is a whole-name token for exact names and purls, a fragment for globs', () => {
    expect(needle).toEqual({ text: 'log4j-core', token: true });
    expect(prefilterNeedle(compileQuery({ purl: 'pkg:maven/org.apache.logging.log4j/log4j-core' }))).toEqual({ text: 'log4j-core', token: true });
    expect(prefilterNeedle(compileQuery({ name: 'org.apache.logging.log4j:log4j-core' }))).toEqual({ text: 'log4j-core', token: true });
    expect(prefilterNeedle(compileQuery({ name: 'log4j-*' }))).toEqual({ text: 'log4j-', token: false });
  });
});

describe('identity tokens in JSON', () => {
  const at = (text: string): boolean => {
    const b = Buffer.from(text);
    const i = text.toLowerCase().indexOf(NEEDLE);
    return identityToken(b, i, i + NEEDLE.length);
  };
  it('counts names and purl names, in any of their spellings around the name', () => {
    expect(at('{"name":"log4j-core"}')).toBe(true);
    expect(at('{"name": "LOG4J-CORE"}')).toBe(true);
    expect(at('{"name":"org.apache.logging.log4j:log4j-core"}')).toBe(true);
    expect(at('{"name":"org.apache.logging.log4j/log4j-core"}')).toBe(true);
    expect(at('{"name":" log4j-core "}')).toBe(true);
    expect(at('{"name":"\\nlog4j-core"}')).toBe(true);
    expect(at('{"purl":"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar"}')).toBe(true);
    expect(at('{"referenceLocator":"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}')).toBe(true);
    expect(at('{"dependsOn":["pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"]}')).toBe(true); // array element: not ruled out
    expect(at('{"name":"pkg:x?y:log4j-core"}')).toBe(true); // ends the string: could be a maven name
    expect(at('{"unknownKey":"log4j-core"}')).toBe(true);
  });
  it('rules out longer words, paths, purl qualifiers and non-identity keys', () => {
    expect(at('{"name":"log4j-core-java9-debian.pom"}')).toBe(false);
    expect(at('{"name":"log4j-core.jar"}')).toBe(false);
    expect(at('{"name":"mylog4j-core"}')).toBe(false);
    expect(at('{"name":"./m2/org/apache/logging/log4j/log4j-core/2.13.2-svc"}')).toBe(false);
    expect(at('{"purl":"pkg:generic/a.pom?path=%2Fusr%2Flog4j-core%2F2.19.0"}')).toBe(false);
    expect(at('{"purl":"pkg:generic/a.pom?path=/usr/log4j-core&x=1"}')).toBe(false);
    expect(at('{"description":"this is log4j-core"}')).toBe(false);
    expect(at('{"value" : "/app/log4j-core"}')).toBe(false);
  });
});

describe('keys the decoders never read as a name', () => {
  const spellings = [NEEDLE, 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1', 'org.apache.logging.log4j:log4j-core'];
  for (const [format, build] of Object.entries(FORMATS)) {
    it(`${format}: the needle under any of NON_IDENTITY_KEYS neither matches a package nor passes the filter`, () => {
      for (const key of NON_IDENTITY_KEYS) {
        for (const v of spellings) {
          // At the document level, on the package, and inside a CycloneDX-style property list.
          const doc = build([{ name: 'lodash', purl: 'pkg:npm/lodash@4.17.21', extra: { [key]: v, properties: [{ name: 'syft:location:0:path', [key]: v }] } }], { [key]: v });
          const text = JSON.stringify(doc);
          expect(matches(text), `${format} ${key}=${v}`).toBe(0);
          expect(mayContain(Buffer.from(text), compiled), `${format} ${key}=${v}`).toBe(false);
        }
      }
    });
    it(`${format}: a package named by name or purl passes the filter and matches`, () => {
      for (const p of [{ name: NEEDLE }, { name: 'x', purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1' }, { name: 'x', purl: 'pkg:maven/org.apache.logging.log4j/log4j%2Dcore@2.14.1' }, { name: 'LOG4J-Core' }]) {
        const text = JSON.stringify(build([{ name: 'lodash' }, p]));
        expect(matches(text), JSON.stringify(p)).toBe(1);
        expect(matches(text, packageFilter(compiled)), JSON.stringify(p)).toBe(1);
        expect(mayContain(Buffer.from(text), compiled), JSON.stringify(p)).toBe(true);
      }
    });
  }
});

describe('percent escapes', () => {
  it('a purl name spelled with %XX of a plain character forces a parse; %2F, %40 do not', () => {
    expect(hasEscapedPlainPercent(Buffer.from('pkg:maven/a/log4j%2Dcore@1'))).toBe(true);
    expect(hasEscapedPlainPercent(Buffer.from('pkg:maven/a/%6Cog4j-core@1'))).toBe(true);
    expect(hasEscapedPlainPercent(Buffer.from('pkg:npm/%40scope/x@1?path=%2Fa%2Fb%20c'))).toBe(false);
  });
});

describe('mayContain never rules out a file in which a package matches, nor the package filter a package (property, real decoders)', () => {
  // Names and purls assembled from pieces that sit on both sides of the rules: separators, longer words,
  // escapes, qualifiers, case.
  const piece = fc.constantFrom('log4j-core', 'LOG4J-CORE', 'log4j', '-', 'core', '/', ':', '.jar', ' ', '\n', '%2D', '%2F', '?q=', '#', '@1.0', 'x', 'org.apache.logging.log4j', '"', '\\');
  const text = fc.array(piece, { maxLength: 6 }).map((a) => a.join(''));
  const purl = fc.tuple(fc.constantFrom('pkg:maven/', 'pkg:generic/', 'pkg:npm/', 'pkg:'), text, fc.constantFrom('', '@2.14.1', '?a=b', '@1#sub')).map(([a, b, c]) => `${a}${b}${c}`);
  const pkg = fc.record({ name: text, purl: fc.option(purl, { nil: undefined }), key: fc.constantFrom(...NON_IDENTITY_KEYS, 'other'), value: text });
  it('for every JSON format', () => {
    let matched = 0;
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(FORMATS)), fc.array(pkg, { minLength: 1, maxLength: 4 }), fc.boolean(), (format, pkgs, escapeSome) => {
        let doc = JSON.stringify(FORMATS[format]!(pkgs.map((p) => ({ name: p.name, ...(p.purl ? { purl: p.purl } : {}), extra: { [p.key]: p.value } }))));
        // Sometimes spell the dashes as JSON escapes.
        if (escapeSome) doc = doc.replace(/-core/g, '\\u002dcore');
        let found: number;
        try {
          found = matches(doc);
        } catch {
          return; // not a document the decoders accept
        }
        if (found > 0) {
          matched++;
          expect(mayContain(Buffer.from(doc), compiled)).toBe(true);
        }
        // Building only the packages the scan's filter keeps finds the same matches.
        expect(matches(doc, packageFilter(compiled))).toBe(found);
      }),
      { numRuns: 3000 },
    );
    // Not vacuous: many generated documents do hold a matching package.
    expect(matched).toBeGreaterThan(100);
  });
});

describe('the package filter keeps what names the subject', () => {
  it('SPDX: the described root package (an image purl) is read, so the subject is the same as in a full decode (and it is the subject, not a package)', () => {
    const doc = {
      spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT', name: 'registry.example/app:1', documentNamespace: 'https://x/image/app',
      packages: [
        { SPDXID: 'SPDXRef-root', name: 'app', versionInfo: `sha256:${'a'.repeat(64)}`, externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:oci/app@sha256%3A' + 'a'.repeat(64) + '?repository_url=registry.example/app' }] },
        { SPDXID: 'SPDXRef-l', name: 'log4j-core', versionInfo: '2.14.1' },
        { SPDXID: 'SPDXRef-x', name: 'zlib', versionInfo: '1' },
      ],
      relationships: [{ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-root' }],
    };
    const buf = Buffer.from(JSON.stringify(doc));
    const full = decodeSbomBytes(buf, 'a.json');
    const kept = decodeSbomBytes(buf, 'a.json', undefined, { keep: packageFilter(compiled) });
    expect(kept.sbom.subject).toEqual(full.sbom.subject);
    expect(full.sbom.subject.manifestDigest).toBe(`sha256:${'a'.repeat(64)}`);
    expect(kept.sbom.packages.map((p) => p.name).sort()).toEqual(['log4j-core']);
    expect(full.sbom.packages.map((p) => p.name).sort()).toEqual(['log4j-core', 'zlib']);
  });
});
