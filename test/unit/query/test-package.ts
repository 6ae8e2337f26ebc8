import type { Package, PackageType } from '../../../src/sbom/model.js';

/** A minimal package of one type for the query, decode and OSV-mapping tests of each ecosystem. */
export const pkg = (type: PackageType, name: string, version: string, purl?: string): Package => ({
  id: `${name}@${version}`,
  name,
  version,
  type,
  ...(purl ? { purl } : {}),
  licenses: [],
  locations: [{ path: '/x' }],
  foundBy: ['test'],
});
