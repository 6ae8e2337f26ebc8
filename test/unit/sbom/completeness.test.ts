/**
 * Completeness travels inside documents (README "Completeness"): custody writes what it could not read
 * into CycloneDX (compositions + properties), SPDX 2.3 (document annotations) and its json model, and
 * reads it back; third-party documents that declare nothing are "not declared", not incomplete.
 */
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import type { Incomplete } from '../../../src/core/incomplete.js';
import { completenessFromSpdxComments, declaredIncompleteInput, incompleteFromProperties, incompleteProperties } from '../../../src/sbom/completeness.js';
import { encodeSbom } from '../../../src/sbom/encode.js';
import { readSbom } from '../../../src/sbom/index.js';
import type { Sbom } from '../../../src/sbom/model.js';
import { sampleSbom } from './encode-fixture.js';

const clock = fixedClock(new Date('2024-05-01T12:00:00Z'));

const UNREAD: Incomplete[] = [
  { kind: 'file', path: '/var/lib/rpm/Packages', reason: 'the rpm database is BerkeleyDB', layer: `sha256:${'a1'.repeat(32)}`, by: 'rpm-db-cataloger' },
  { kind: 'directory', path: '/root', reason: 'cannot list it: permission denied' },
];

function incompleteSbom(): Sbom {
  return { ...sampleSbom(), incomplete: UNREAD, completeness: 'incomplete' };
}

function completeSbom(): Sbom {
  return { ...sampleSbom(), completeness: 'complete' };
}

const WRITTEN = ['cyclonedx-json', 'cyclonedx-json@1.5', 'cyclonedx-json@1.4', 'cyclonedx-xml', 'cyclonedx-xml@1.5', 'cyclonedx-xml@1.4', 'spdx-json'] as const;

describe('completeness inside SBOM documents', () => {
  it.each(WRITTEN)('%s: an incomplete SBOM says so and lists what was not read; decoding gives both back', async (format) => {
    const text = encodeSbom(incompleteSbom(), format, { clock });
    const back = await readSbom(Buffer.from(text));
    expect(back.completeness).toBe('incomplete');
    expect(back.incomplete).toEqual([...UNREAD].sort((a, b) => (a.kind < b.kind ? -1 : 1)));
    expect(declaredIncompleteInput(back, 'x.json')).toEqual({ kind: 'sbom', path: 'x.json', reason: expect.stringMatching(/^the SBOM declares itself incomplete: 2 inputs not read when it was made/) });
  });

  it.each(WRITTEN)('%s: a complete SBOM declares complete and is not incomplete input', async (format) => {
    const back = await readSbom(Buffer.from(encodeSbom(completeSbom(), format, { clock })));
    expect(back.completeness).toBe('complete');
    expect(back.incomplete ?? []).toEqual([]);
    expect(declaredIncompleteInput(back, 'x.json')).toBeUndefined();
  });

  it('CycloneDX JSON: compositions aggregate for the subject; the list as metadata properties; valid against the 1.4-1.6 schemas', async () => {
    for (const [format, version] of [
      ['cyclonedx-json', Spec.Version.v1dot6],
      ['cyclonedx-json@1.5', Spec.Version.v1dot5],
      ['cyclonedx-json@1.4', Spec.Version.v1dot4],
    ] as const) {
      const text = encodeSbom(incompleteSbom(), format, { clock });
      expect(await new Validation.JsonStrictValidator(version).validate(text)).toBeNull();
      const doc = JSON.parse(text) as { metadata: { component: { 'bom-ref': string }; properties: { name: string; value: string }[] }; compositions: unknown[] };
      expect(doc.compositions).toEqual([{ aggregate: 'incomplete', assemblies: [doc.metadata.component['bom-ref']] }]);
      expect(doc.metadata.properties).toContainEqual({ name: 'custody:incomplete:1:path', value: '/var/lib/rpm/Packages' });
      expect(doc.metadata.properties).toContainEqual({ name: 'custody:incomplete:1:by', value: 'rpm-db-cataloger' });
    }
  });

  it('SPDX 2.3: document annotations custody:completeness= and custody:incomplete:<i>=<JSON>', () => {
    const doc = JSON.parse(encodeSbom(incompleteSbom(), 'spdx-json', { clock })) as { annotations: { annotationType: string; annotator: string; comment: string }[] };
    // The declaration last: readers that rule a file out by its bytes look for it at the end of the document.
    expect(doc.annotations.map((a) => a.comment)).toEqual([
      `custody:incomplete:0=${JSON.stringify({ kind: 'directory', path: '/root', reason: 'cannot list it: permission denied' })}`,
      `custody:incomplete:1=${JSON.stringify(UNREAD[0])}`,
      'custody:completeness=incomplete',
    ]);
    expect(Object.keys(doc).pop()).toBe('annotations');
    expect(doc.annotations.every((a) => a.annotationType === 'OTHER' && a.annotator.startsWith('Tool: custody'))).toBe(true);
  });

  it('SPDX tag-value: the same declaration in document annotations is read', async () => {
    const tv = [
      'SPDXVersion: SPDX-2.3',
      'DataLicense: CC0-1.0',
      'SPDXID: SPDXRef-DOCUMENT',
      'DocumentName: app',
      'DocumentNamespace: https://example.com/app',
      'Creator: Tool: custody-0.1.0',
      'Created: 2024-05-01T12:00:00Z',
      'PackageName: a',
      'SPDXID: SPDXRef-a',
      'PackageVersion: 1',
      'PackageDownloadLocation: NOASSERTION',
      'Annotator: Tool: custody-0.1.0',
      'AnnotationDate: 2024-05-01T12:00:00Z',
      'AnnotationType: OTHER',
      'SPDXREF: SPDXRef-DOCUMENT',
      'AnnotationComment: <text>custody:completeness=incomplete</text>',
      'Annotator: Tool: custody-0.1.0',
      'AnnotationDate: 2024-05-01T12:00:00Z',
      'AnnotationType: OTHER',
      'SPDXREF: SPDXRef-a',
      'AnnotationComment: <text>custody:completeness=complete</text>',
      '',
    ].join('\n');
    const back = await readSbom(Buffer.from(tv));
    // Only the document's annotation counts; the package's is about the package.
    expect(back.completeness).toBe('incomplete');
    expect(back.packages.map((p) => p.name)).toEqual(['a']);
  });

  it('third-party documents: nothing declared is not incomplete; incomplete*/unknown aggregates for the subject are', async () => {
    const base = { bomFormat: 'CycloneDX', specVersion: '1.5', metadata: { component: { 'bom-ref': 'root', type: 'application', name: 'app' } }, components: [{ type: 'library', name: 'x', version: '1' }] };
    const read = async (doc: unknown): Promise<Sbom> => readSbom(Buffer.from(JSON.stringify(doc)));
    expect((await read(base)).completeness).toBe('not-declared');
    expect(declaredIncompleteInput(await read(base), 'a')).toBeUndefined();
    for (const [aggregate, want] of [
      ['complete', 'complete'],
      ['incomplete', 'incomplete'],
      ['incomplete_first_party_only', 'incomplete'],
      ['unknown', 'unknown'],
      ['not_specified', 'not-declared'],
    ] as const) {
      expect((await read({ ...base, compositions: [{ aggregate, assemblies: ['root'] }] })).completeness).toBe(want);
      // A composition about the BOM as a whole (no assemblies, dependencies or vulnerabilities) counts too.
      expect((await read({ ...base, compositions: [{ aggregate }] })).completeness).toBe(want);
    }
    // A composition about one component is not about the SBOM.
    expect((await read({ ...base, compositions: [{ aggregate: 'incomplete', assemblies: ['x'] }] })).completeness).toBe('not-declared');
    // The least complete declaration wins.
    expect((await read({ ...base, compositions: [{ aggregate: 'complete', assemblies: ['root'] }, { aggregate: 'unknown' }] })).completeness).toBe('unknown');
    expect(declaredIncompleteInput(await read({ ...base, compositions: [{ aggregate: 'unknown' }] }), 'a')?.reason).toBe('the SBOM declares itself unknown');
  });

  it('convert keeps the declaration: an incomplete CycloneDX becomes an incomplete SPDX and back', async () => {
    const cdx = encodeSbom(incompleteSbom(), 'cyclonedx-json', { clock });
    const spdx = encodeSbom(await readSbom(Buffer.from(cdx)), 'spdx-json', { clock });
    const again = await readSbom(Buffer.from(encodeSbom(await readSbom(Buffer.from(spdx)), 'cyclonedx-xml', { clock })));
    expect(again.completeness).toBe('incomplete');
    expect(again.incomplete).toHaveLength(2);
    // A third-party SBOM that declared nothing is converted without a claim either way.
    const plain = await readSbom(Buffer.from(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', components: [] })));
    expect(JSON.parse(encodeSbom(plain, 'cyclonedx-json', { clock })).compositions).toEqual([expect.objectContaining({ aggregate: 'not_specified' })]);
  });

  it('hostile declarations (fast-check): never throw; unknown values are never read as complete', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 80 }), { maxLength: 20 }), (comments) => {
        const r = completenessFromSpdxComments(comments.map((c, i) => (i % 2 === 0 ? `custody:completeness=${c}` : `custody:incomplete:${i}=${c}`)));
        expect(r.completeness === 'complete').toBe(comments.filter((_, i) => i % 2 === 0).every((c) => c.trim() === 'complete') && comments.length > 0);
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.record({ name: fc.string({ maxLength: 40 }), value: fc.string({ maxLength: 40 }) }), { maxLength: 30 }), (props) => {
        for (const e of incompleteFromProperties(props)) expect(typeof e.path).toBe('string');
      }),
    );
    expect(incompleteFromProperties(incompleteProperties(UNREAD))).toHaveLength(2);
  });
});
