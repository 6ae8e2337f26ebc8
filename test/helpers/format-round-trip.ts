/**
 * The format round trip the ecosystem e2e tests share: `sbom generate dir:ROOT -o cyclonedx-json`, then
 * `sbom convert` of it to SPDX JSON and back to CycloneDX JSON, to CycloneDX XML and back, and of the SPDX
 * document to custody's json model; every step must exit 0. Returns each output, parsed.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { FIXTURES } from './paths.js';
import { runBuilt } from './run-cli.js';

interface CdxDoc {
  components?: { purl?: string; name: string; version?: string }[];
}
interface SpdxDoc {
  packages?: { externalRefs?: { referenceType: string; referenceLocator: string }[] }[];
}

/** Sorted purls of a CycloneDX JSON document's components. */
export const purlsOfCdx = (doc: CdxDoc): string[] => (doc.components ?? []).map((c) => c.purl ?? '').filter((p) => p !== '').sort();

/** Sorted name@version of the components without a purl. */
export const unpurledOfCdx = (doc: CdxDoc): string[] => (doc.components ?? []).filter((c) => !c.purl).map((c) => `${c.name}@${c.version ?? ''}`).sort();

/** Sorted purls of an SPDX JSON document's packages. */
export const purlsOfSpdx = (doc: SpdxDoc): string[] =>
  (doc.packages ?? []).flatMap((p) => (p.externalRefs ?? []).filter((r) => r.referenceType === 'purl').map((r) => r.referenceLocator)).sort();

/** The package types of a custody json document, each once, sorted. */
export const typesOf = (doc: { packages: { type: string }[] }): string[] => [...new Set(doc.packages.map((p) => p.type))].sort();

/** Copy the peers' fixtures (`from`, under fixtures/catalog/peers) to their places in `root` (`to`). */
export function plantPeerFixtures(root: string, tree: readonly { from: string; to: string }[]): void {
  for (const t of tree) {
    const to = join(root, t.to);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(join(FIXTURES, 'catalog', 'peers', t.from), to);
  }
}

export interface RoundTrip {
  /** The generated CycloneDX JSON (text and file). */
  cdxText: string;
  cdxFile: string;
  generated: CdxDoc;
  spdx: SpdxDoc;
  spdxFile: string;
  /** SPDX JSON converted back to CycloneDX JSON. */
  fromSpdx: CdxDoc;
  xmlFile: string;
  /** CycloneDX XML converted back to CycloneDX JSON. */
  fromXml: CdxDoc;
  /** The SPDX document converted to custody's json model. */
  model: { packages: { type: string; purl?: string }[] };
}

export async function formatRoundTrip(root: string, work: string, generateArgs: readonly string[] = []): Promise<RoundTrip> {
  const run = async (args: string[]): Promise<string> => {
    const r = await runBuilt(args);
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };
  const cdxText = await run(['sbom', 'generate', `dir:${root}`, '-o', 'cyclonedx-json', ...generateArgs]);
  const cdxFile = join(work, 'tree.cdx.json');
  writeFileSync(cdxFile, cdxText);
  const spdxText = await run(['sbom', 'convert', cdxFile, '-o', 'spdx-json']);
  const spdxFile = join(work, 'tree.spdx.json');
  writeFileSync(spdxFile, spdxText);
  const fromSpdx = await run(['sbom', 'convert', spdxFile, '-o', 'cyclonedx-json']);
  const xmlFile = join(work, 'tree.cdx.xml');
  writeFileSync(xmlFile, await run(['sbom', 'convert', cdxFile, '-o', 'cyclonedx-xml']));
  const fromXml = await run(['sbom', 'convert', xmlFile, '-o', 'cyclonedx-json']);
  const model = await run(['sbom', 'convert', spdxFile, '-o', 'json']);
  return {
    cdxText,
    cdxFile,
    generated: JSON.parse(cdxText) as CdxDoc,
    spdx: JSON.parse(spdxText) as SpdxDoc,
    spdxFile,
    fromSpdx: JSON.parse(fromSpdx) as CdxDoc,
    xmlFile,
    fromXml: JSON.parse(fromXml) as CdxDoc,
    model: JSON.parse(model) as RoundTrip['model'],
  };
}

/**
 * The purls the tree must give, the same in the generated CycloneDX, in the SPDX conversion, and back from SPDX
 * and from CycloneDX XML; with `unpurled`, also the components it gives without a purl (`name@version`).
 */
export function expectPurlsKept(r: RoundTrip, want: readonly string[], unpurled?: readonly string[]): void {
  expect(purlsOfCdx(r.generated)).toEqual(want);
  expect(purlsOfSpdx(r.spdx)).toEqual(want);
  expect(purlsOfCdx(r.fromSpdx)).toEqual(want);
  expect(purlsOfCdx(r.fromXml)).toEqual(want);
  if (unpurled === undefined) return;
  for (const doc of [r.generated, r.fromSpdx, r.fromXml]) expect(unpurledOfCdx(doc)).toEqual(unpurled);
}
