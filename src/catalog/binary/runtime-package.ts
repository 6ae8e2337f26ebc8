/**
 * The package a runtime binary is reported as: type `binary`, a `pkg:generic` purl and the CPEs the
 * peers give it (syft's binary classifiers; grype matches these packages by CPE, trivy by name), found
 * by this cataloger at the file that showed the version.
 */
import { buildPurl } from '../../core/ecosystem.js';
import type { Location, Package } from '../../sbom/model.js';
import { langPackage } from '../lang-common.js';
import { applicationCpe } from './cpe.js';

export const CATALOGER = 'runtime-binary-cataloger';

/** What a runtime is called in SBOMs: purl name (and namespace) and the CPE vendor:product pairs. */
export interface RuntimeProduct {
  name: string;
  namespace?: string;
  /** [vendor, product] of each CPE, in the order syft lists them. */
  cpes: readonly (readonly [string, string])[];
  /** The purl when it is not `pkg:generic/<namespace>/<name>` (syft's `pkg:golang/helm.sh/helm`, `pkg:github/fluent/fluent-bit`). */
  purl?: { type: string; namespace?: string; name: string };
}

export function runtimePackage(product: RuntimeProduct, version: string, location: Location, classifier: string, cpe: [version: string, update: string] = [version, '']): Package {
  const p = langPackage({
    name: product.name,
    version,
    type: 'binary',
    purl: buildPurl(product.purl ? { ...product.purl, version } : { type: 'generic', namespace: product.namespace, name: product.name, version }),
    location,
    foundBy: CATALOGER,
    metadata: { classifier },
  });
  if (product.cpes.length > 0) p.cpes = product.cpes.map(([vendor, name]) => applicationCpe(vendor, name, cpe[0], cpe[1]));
  return p;
}
