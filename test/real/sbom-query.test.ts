/**
 * Real tier: every SBOM case of ../shared/corpus/cases.json (category "sbom") gives its format,
 * package count and log4j-core versions; format-identify files; the index and the file scan agree
 * on the whole corpus; schema validation error counts match the corpus's derived checks.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { addToIndex, queryIndex } from '../../src/query/index/index.js';
import { queryFiles } from '../../src/query/scan.js';
import { readSbomWithFormat } from '../../src/sbom/index.js';
import { tagValueToObject } from '../../src/sbom/spdx/tag-value.js';
import { loadSchemaFile, validateSbomFile } from '../../src/sbom/validate/index.js';
import { CORPUS, hasShared } from '../helpers/paths.js';

interface Case {
  id: string;
  category: string;
  expect: Record<string, unknown> & { kind: string };
}

const cases: Case[] = hasShared() ? (JSON.parse(readFileSync(join(CORPUS, 'cases.json'), 'utf8')) as { cases: Case[] }).cases.filter((c) => c.category === 'sbom') : [];
const tmp = mkdtempSync(join(tmpdir(), 'custody-real-query-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Corpus format labels → custody's format id and version. */
function expectedFormat(label: string): { id: string; version?: string } {
  const m = /^(cdx-json|cdx-xml|spdx-json|spdx-tv|syft-json|spdx3-jsonld|github-depgraph-api)[ -]?(?:SPDX-)?([\d.]+)?/.exec(label);
  if (!m) throw new Error(`unknown label ${label}`);
  const ids: Record<string, string> = {
    'cdx-json': 'cyclonedx-json',
    'cdx-xml': 'cyclonedx-xml',
    'spdx-json': 'spdx-json',
    'spdx-tv': 'spdx-tag-value',
    'syft-json': 'syft-json',
    'spdx3-jsonld': 'spdx3-json',
    'github-depgraph-api': 'github-dependency-graph',
  };
  return m[2] ? { id: ids[m[1]!]!, version: m[2] } : { id: ids[m[1]!]! };
}

/**
 * How many elements of a corpus document name its subject, its distro or its structure rather than a package,
 * by the decoders' rules: the first CycloneDX `operating-system` component and trivy's aggregate components
 * (no purl, no version, an `aquasecurity:trivy:Class` property); in SPDX 2 the single described root when it
 * is an image (CONTAINER purpose, oci/docker purl, trivy's ContainerImage) or the file or directory scanned
 * (FILE purpose), trivy's ContainerImage/Filesystem/Application elements without version or purl, and the
 * first OPERATING_SYSTEM package.
 */
function structuralElements(file: string): number {
  const text = readFileSync(join(CORPUS, file), 'utf8');
  if (text.trimStart().startsWith('<')) return /<component[^>]*type="operating-system"/.test(text) ? 1 : 0;
  let doc: Record<string, unknown>;
  if (/^SPDXVersion:/m.test(text) && !text.trimStart().startsWith('{')) doc = tagValueToObject(text);
  else {
    try {
      doc = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return 0; // JSON Lines attestations: counted by their inner document's own case
    }
  }
  if (doc.bomFormat === 'CycloneDX') {
    const all: Record<string, unknown>[] = [];
    const walk = (list: unknown): void => {
      for (const c of (list as Record<string, unknown>[] | undefined) ?? []) {
        all.push(c);
        walk(c.components);
      }
    };
    walk(doc.components);
    const props = (c: Record<string, unknown>): { name?: string }[] => (c.properties as { name?: string }[] | undefined) ?? [];
    const aggregates = all.filter((c) => c.purl === undefined && c.version === undefined && props(c).some((p) => p.name === 'aquasecurity:trivy:Class')).length;
    return (all.some((c) => c.type === 'operating-system') ? 1 : 0) + aggregates;
  }
  if (typeof doc.spdxVersion !== 'string') return 0;
  const pkgs = (doc.packages as Record<string, unknown>[] | undefined) ?? [];
  const described = new Set<string>([...((doc.documentDescribes as string[] | undefined) ?? [])]);
  for (const r of (doc.relationships as Record<string, string>[] | undefined) ?? []) {
    if (r.relationshipType === 'DESCRIBES' && r.spdxElementId === 'SPDXRef-DOCUMENT') described.add(r.relatedSpdxElement!);
    if (r.relationshipType === 'DESCRIBED_BY' && r.relatedSpdxElement === 'SPDXRef-DOCUMENT') described.add(r.spdxElementId!);
  }
  const roots = pkgs.filter((p) => described.has(p.SPDXID as string));
  const purl = (p: Record<string, unknown>): string => ((p.externalRefs as { referenceType?: string; referenceLocator?: string }[] | undefined) ?? []).find((r) => r.referenceType?.toLowerCase() === 'purl')?.referenceLocator ?? '';
  const trivyElement = (p: Record<string, unknown>): boolean => /^SPDXRef-(ContainerImage|Filesystem|Application)-/.test(String(p.SPDXID)) && p.versionInfo === undefined && purl(p) === '';
  const subject =
    roots.length === 1 && (roots[0]!.primaryPackagePurpose === 'CONTAINER' || roots[0]!.primaryPackagePurpose === 'FILE' || /^pkg:(oci|docker)\//.test(purl(roots[0]!)) || String(roots[0]!.SPDXID).startsWith('SPDXRef-ContainerImage-') || trivyElement(roots[0]!))
      ? roots[0]
      : undefined;
  const structure = pkgs.filter((p) => p !== subject && trivyElement(p)).length;
  const os = pkgs.some((p) => p !== subject && !trivyElement(p) && (p.primaryPackagePurpose === 'OPERATING_SYSTEM' || String(p.SPDXID).startsWith('SPDXRef-OperatingSystem-')));
  return (subject ? 1 : 0) + structure + (os ? 1 : 0);
}

describe.skipIf(!hasShared())('corpus SBOMs', () => {
  const parse = cases.filter((c) => c.expect.kind === 'sbom-parse');
  it('has the cases', () => expect(parse.length).toBeGreaterThan(60));

  for (const c of parse) {
    it(c.id, async () => {
      const e = c.expect;
      const { sbom, format } = await readSbomWithFormat(join(CORPUS, e.sbom as string));
      if (typeof e.format === 'string') {
        const want = expectedFormat(e.format);
        expect(format.id).toBe(want.id);
        if (want.version && want.id !== 'spdx3-json') expect(format.version).toBe(want.version);
      }
      const count = (e.packages ?? e.components_total ?? e.components ?? e.artifacts) as number | undefined;
      // The corpus counts every element of the document; custody reads an image root as the subject and the
      // OS component/package as the distro (README "Formats custody reads"), not as packages.
      if (count !== undefined) expect(sbom.packages.length + structuralElements(e.sbom as string)).toBe(count);
      if (Array.isArray(e.log4j_core_versions)) {
        const got = [...new Set(sbom.packages.filter((p) => p.name === 'log4j-core').map((p) => p.version))].sort();
        expect(got).toEqual([...(e.log4j_core_versions as string[])].sort());
      }
    });
  }

  it('format-identify: every file gets the format/version in its name', async () => {
    const fi = cases.find((c) => c.expect.kind === 'sbom-format-identify')!;
    for (const [file, label] of Object.entries(fi.expect.files as Record<string, string>)) {
      const { format } = await readSbomWithFormat(join(CORPUS, file));
      const m = /^(cdx-json|cdx-xml|spdx-json|spdx-tv|syft-json)-([\d.]+)$/.exec(label)!;
      const id = { 'cdx-json': 'cyclonedx-json', 'cdx-xml': 'cyclonedx-xml', 'spdx-json': m[2]!.startsWith('3') ? 'spdx3-json' : 'spdx-json', 'spdx-tv': 'spdx-tag-value', 'syft-json': 'syft-json' }[m[1]!];
      expect(format.id, file).toBe(id);
      expect(format.version!.startsWith(m[2]!), `${file}: ${format.version}`).toBe(true);
    }
  });

  it('in-toto attestations wrapping CycloneDX are read', async () => {
    const { sbom } = await readSbomWithFormat(join(CORPUS, 'sboms/attestations/trivy-centos-7-cyclonedx.intoto.jsonl'));
    expect(sbom.packages.length).toBeGreaterThan(0);
  });

  it('the index and the file scan agree on the corpus', async () => {
    const root = join(CORPUS, 'sboms');
    const db = join(tmp, 'corpus.db');
    const added = await addToIndex(db, [root], { clock: fixedClock(new Date(0)) });
    expect(added.errors).toEqual([]);
    const queries = [
      { name: 'log4j-core' },
      { name: 'log4j*' },
      { purl: 'pkg:maven/org.apache.logging.log4j/log4j-core', version: '>=2.0-beta9 <2.17.1' },
      { purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@vers:maven/>=2.0-beta9|<2.15.0' },
      { name: 'openssl*' },
      { purl: 'pkg:npm/lodash', version: '<4.17.21' },
      { cpe: 'cpe:2.3:a:apache:*' },
    ];
    for (const q of queries) {
      const files = await queryFiles([root], q, { workers: 1 });
      const indexed = await queryIndex(db, q);
      const key = (m: { sbom: string; package: string; version: string; purl?: string | undefined }) => `${m.sbom}|${m.package}|${m.version}|${m.purl ?? ''}`;
      expect(files.errors).toEqual([]);
      expect(indexed.matches.map(key).sort(), JSON.stringify(q)).toEqual(files.matches.map(key).sort());
    }
    const vuln = await queryIndex(db, { purl: 'pkg:maven/org.apache.logging.log4j/log4j-core', version: '>=2.0-beta9 <2.17.1' });
    expect(new Set(vuln.matches.map((m) => m.version))).toEqual(new Set(['2.8.1', '2.13.2', '2.17.0']));
  });

  it('an index built by streaming every corpus SBOM gives the same answers as the file scan', async () => {
    const root = join(CORPUS, 'sboms');
    const db = join(tmp, 'corpus-streamed.db');
    const added = await addToIndex(db, [root], { clock: fixedClock(new Date(0)), streamFrom: 0 });
    expect(added.errors).toEqual([]);
    for (const q of [{ name: 'log4j-core' }, { name: 'log4j*' }, { purl: 'pkg:maven/org.apache.logging.log4j/log4j-core', version: '>=2.0-beta9 <2.17.1' }, { name: 'openssl*' }, { cpe: 'cpe:2.3:a:apache:*' }]) {
      const files = await queryFiles([root], q, { workers: 1 });
      const indexed = await queryIndex(db, q);
      const key = (m: { sbom: string; package: string; version: string; purl?: string | undefined; subject: unknown }) => `${m.sbom}|${m.package}|${m.version}|${m.purl ?? ''}|${JSON.stringify(m.subject)}`;
      expect(indexed.matches.map(key).sort(), JSON.stringify(q)).toEqual(files.matches.map(key).sort());
    }
  });

  it('reading every corpus SBOM as a token stream gives the same answers as reading it whole', async () => {
    const root = join(CORPUS, 'sboms');
    const queries = [{ name: 'log4j-core' }, { name: 'log4j*' }, { purl: 'pkg:maven/org.apache.logging.log4j/log4j-core', version: '<2.17.1' }, { name: 'openssl' }, { name: 'lodash' }, { name: 'zlib1g' }];
    for (const q of queries) {
      const whole = await queryFiles([root], q, { workers: 1, streamFrom: Number.MAX_SAFE_INTEGER });
      const streamed = await queryFiles([root], q, { workers: 1, streamFrom: 0 });
      expect(streamed.matches, JSON.stringify(q)).toEqual(whole.matches);
      expect(streamed.errors).toEqual(whole.errors);
    }
  });

  it('schema validation: error counts as the corpus derived them (SPDX with the schemas custody ships, and with --schema)', async () => {
    const bonita = await validateSbomFile(join(CORPUS, 'sboms/log4j/guac-top-dh-bonita.spdx.json'));
    expect(bonita.valid).toBe(false);
    expect(bonita.errorCount).toBe(6180);
    expect(bonita.errors[0]).toMatch(/copyrightText/);
    const viaFlag = await validateSbomFile(join(CORPUS, 'sboms/log4j/guac-top-dh-bonita.spdx.json'), { schema: await loadSchemaFile(join(CORPUS, 'schemas/spdx/spdx-schema-2.2.2.json')) });
    expect(viaFlag.errorCount).toBe(6180);
    const spdx23 = await validateSbomFile(join(CORPUS, 'sboms/format-identify/spdx-json-2.3.json'));
    expect(spdx23.valid).toBe(true);
    expect((await validateSbomFile(join(CORPUS, 'sboms/format-identify/spdx-json-2.3.json'), { schema: await loadSchemaFile(join(CORPUS, 'schemas/spdx/spdx-schema-2.3.1.json')) })).valid).toBe(true);
    // The official CycloneDX schemas beside their siblings (spdx.schema.json, jsf-0.82.schema.json, cryptography-defs.schema.json).
    for (const v of ['1.6', '1.7']) {
      const set = await loadSchemaFile(join(CORPUS, `schemas/cyclonedx/bom-${v}.schema.json`));
      expect(set.refs.map((r) => r.uri).sort(), v).toEqual(
        ['http://cyclonedx.org/schema/jsf-0.82.schema.json', 'http://cyclonedx.org/schema/spdx.schema.json', ...(v === '1.7' ? ['http://cyclonedx.org/schema/cryptography-defs.schema.json'] : [])].sort(),
      );
      const r = await validateSbomFile(join(CORPUS, `sboms/format-identify/cdx-json-${v}.json`), { schema: set });
      expect(r.valid, `cdx ${v} with --schema: ${r.errors.join('; ')}`).toBe(true);
    }
    for (const v of ['1.2', '1.3', '1.4', '1.5', '1.6', '1.7']) {
      const r = await validateSbomFile(join(CORPUS, `sboms/format-identify/cdx-json-${v}.json`));
      expect(r.valid, `cdx ${v}: ${r.errors.join('; ')}`).toBe(true);
    }
  });
});
