/** Small SBOM documents in every JSON format the decoders read, for property tests of the query path. */
type Pkg = Record<string, unknown>;

/** One JSON document per format the decoders read, holding `pkgs` (CycloneDX-like fields mapped per format) and `extra` top-level keys. */
export const FORMATS: Record<string, (pkgs: { name: string; purl?: string; extra?: Pkg }[], extra?: Pkg) => unknown> = {
  cyclonedx: (pkgs, extra) => ({
    bomFormat: 'CycloneDX', specVersion: '1.5', ...extra,
    components: pkgs.map((p) => ({ type: 'library', name: p.name, version: '2.14.1', ...(p.purl ? { purl: p.purl } : {}), ...p.extra })),
  }),
  spdx2: (pkgs, extra) => ({
    spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT', name: 'doc', ...extra,
    packages: pkgs.map((p, i) => ({
      SPDXID: `SPDXRef-${i}`, name: p.name, versionInfo: '2.14.1',
      externalRefs: p.purl ? [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: p.purl }] : [],
      ...p.extra,
    })),
  }),
  spdx3: (pkgs, extra) => ({
    '@context': 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld', ...extra,
    '@graph': pkgs.map((p, i) => ({ type: 'software_Package', spdxId: `urn:x#${i}`, name: p.name, software_packageVersion: '2.14.1', ...(p.purl ? { software_packageUrl: p.purl } : {}), ...p.extra })),
  }),
  syft: (pkgs, extra) => ({
    schema: { version: '16.0.0' }, source: { type: 'image', name: 'img' }, descriptor: { name: 'syft', version: '1.0.0' }, ...extra,
    artifacts: pkgs.map((p, i) => ({ id: `a${i}`, name: p.name, version: '2.14.1', type: 'java-archive', ...(p.purl ? { purl: p.purl } : {}), ...p.extra })),
  }),
  github: (pkgs, extra) => ({ sbom: FORMATS.spdx2!(pkgs, extra) }),
  custody: (pkgs, extra) => ({
    custodySbomVersion: 1, created: '2024-01-01T00:00:00.000Z', subject: { kind: 'image', name: 'img' }, relationships: [], tools: [], ...extra,
    packages: pkgs.map((p, i) => ({ id: `p${i}`, name: p.name, version: '2.14.1', type: 'java-archive', licenses: [], locations: [], foundBy: [], ...(p.purl ? { purl: p.purl } : {}), ...p.extra })),
  }),
};

