/**
 * How `sbom query` and `index add` count a file they cannot read (README "Completeness"): skipped (clearly
 * not an SBOM), incomplete (an SBOM by content or name), or an error (a path the user named); and the
 * cheap checks that keep the pre-filter from answering "no match" over a cut file or one that declares
 * itself incomplete.
 */
import Ajv from 'ajv';
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import { mayDeclareIncomplete, sbomByName, truncatedReason, unreadableStatus } from '../../../src/query/scan-file.js';
import { encodeSbom } from '../../../src/sbom/encode.js';
import { sampleSbom } from '../sbom/encode-fixture.js';
import { PROJECT_ROOT, runInProcess } from '../../helpers/run-cli.js';

const clock = fixedClock(new Date('2024-05-01T12:00:00Z'));

describe('files that could not be read', () => {
  it.each([
    ['bom.json', true],
    ['sbom.json', true],
    ['img.bom.json', true],
    ['img.cdx.json', true],
    ['img.cdx.xml', true],
    ['img.cdx', true],
    ['img.spdx', true],
    ['img.spdx.json', true],
    ['img.syft.json', true],
    ['mybom.json', false],
    ['img.cdx.json.sha256', false],
    ['img.spdx.json.sig', false],
    ['README.md', false],
    ['package.json', false],
  ])('%s says "SBOM" by its name: %s', (name, yes) => {
    expect(sbomByName(`/d/${name}`)).toBe(yes);
  });

  it('named paths are errors; SBOMs by content or name are incomplete; the rest are skips', () => {
    expect(unreadableStatus('/d/x.md', true, false)).toBe('error');
    expect(unreadableStatus('/d/x.json', false, true)).toBe('incomplete');
    expect(unreadableStatus('/d/x.cdx.json', false, false)).toBe('incomplete');
    expect(unreadableStatus('/d/x.json', false, false)).toBe('skipped');
    // Not even opened (EACCES): its final extension decides.
    expect(unreadableStatus('/d/x.json', false, undefined)).toBe('incomplete');
    expect(unreadableStatus('/d/noext', false, undefined)).toBe('incomplete');
    for (const ext of ['.sha256', '.sig', '.pem', '.md', '.txt', '.png']) expect(unreadableStatus(`/d/x${ext}`, false, undefined)).toBe('skipped');
  });

  it.each(['cyclonedx-json', 'cyclonedx-xml', 'spdx-json', 'json'])('every proper prefix of a %s document custody wrote that does not end in } is seen as cut; the whole one is not', (format) => {
    const doc = Buffer.from(encodeSbom(sampleSbom(), format, { clock }));
    expect(truncatedReason(doc)).toBeUndefined();
    fc.assert(
      fc.property(fc.integer({ min: 1, max: doc.length - 2 }), (n) => {
        const prefix = doc.subarray(0, n);
        // Whitespace at the end of the document is not content; a cut right after an inner } is a documented limit.
        const text = prefix.toString('latin1').trimEnd();
        if (text === doc.toString('latin1').trimEnd() || (format !== 'cyclonedx-xml' && text.endsWith('}'))) return;
        expect(truncatedReason(prefix)).toMatch(/^truncated/);
      }),
      { numRuns: 300 },
    );
  });

  it('a cut that loses the final } is seen (a cut right after an inner } is a documented limit)', () => {
    const doc = Buffer.from(JSON.stringify({ bomFormat: 'CycloneDX', components: [{ name: 'a' }, { name: 'b' }] }));
    expect(truncatedReason(doc)).toBeUndefined();
    expect(truncatedReason(doc.subarray(0, doc.length - 1))).toMatch(/does not end with \}/);
    expect(truncatedReason(doc.subarray(0, doc.indexOf('}') + 1))).toBeUndefined();
  });

  it('declarations of incompleteness are found where custody writes them; complete and undeclared documents are not', () => {
    const big = (doc: string): Buffer => Buffer.from(doc);
    const incomplete = { ...sampleSbom(), incomplete: [{ kind: 'file' as const, path: '/x', reason: 'y' }] };
    for (const format of ['cyclonedx-json', 'cyclonedx-xml', 'spdx-json', 'json']) {
      expect(mayDeclareIncomplete(big(encodeSbom(incomplete, format, { clock }))), format).toBe(true);
      expect(mayDeclareIncomplete(big(encodeSbom({ ...sampleSbom(), completeness: 'complete' }, format, { clock }))), format).toBe(false);
    }
    expect(mayDeclareIncomplete(big('{"bomFormat":"CycloneDX","compositions":[{"aggregate":"unknown"}]}'))).toBe(true);
    expect(mayDeclareIncomplete(big('<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><compositions><composition><aggregate>incomplete_first_party_only</aggregate></composition></compositions></bom>'))).toBe(true);
    // A large document: the declaration at its end (where custody writes it) is found.
    const padded = encodeSbom({ ...incomplete, packages: Array.from({ length: 2000 }, (_, i) => ({ ...sampleSbom().packages[0]!, id: `p-${i}`, name: `p-${i}` })) }, 'cyclonedx-json', { clock });
    expect(padded.length).toBeGreaterThan(200_000);
    expect(mayDeclareIncomplete(big(padded))).toBe(true);
  });
});

describe('sbom query -o json with inputs not read', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'custody-unread-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('lists them under incomplete, counts them in the summary, and validates against docs/schemas/custody-query.schema.json', async () => {
    const dir = join(tmp, 'sboms');
    mkdirSync(dir);
    const good = encodeSbom(sampleSbom(), 'cyclonedx-json', { clock });
    writeFileSync(join(dir, 'good.cdx.json'), good);
    writeFileSync(join(dir, 'cut.cdx.json'), good.slice(0, Math.floor(good.length / 2)));
    writeFileSync(join(dir, 'notes.md'), '# not an SBOM');
    const r = await runInProcess(['sbom', 'query', dir, '--name', 'no-such-package', '-o', 'json']);
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout) as { summary: { incomplete: number }; incomplete: { kind: string; path: string; reason: string }[]; skipped: unknown[] };
    expect(doc.incomplete).toEqual([{ kind: 'sbom', path: join(dir, 'cut.cdx.json'), reason: expect.stringMatching(/truncated|parse|JSON/i) }]);
    expect(doc.summary.incomplete).toBe(1);
    expect(doc.skipped).toHaveLength(1);
    const schema = JSON.parse(readFileSync(join(PROJECT_ROOT, 'docs', 'schemas', 'custody-query.schema.json'), 'utf8')) as object;
    const validate = new Ajv.default({ strict: false, allErrors: true }).compile(schema);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    // The schema can fail: an incomplete entry without its reason is refused.
    expect(validate({ ...doc, incomplete: [{ kind: 'sbom', path: 'x' }] })).toBe(false);
  });
});
