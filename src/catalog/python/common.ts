import { buildPurl } from '../../core/ecosystem.js';
import type { Location, Package } from '../../sbom/model.js';
import { langPackage } from '../lang-common.js';

/** PEP 503 normalised name: runs of -_. become '-', lower case. */
export function normalizePythonName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

export function pypiPurl(name: string, version: string): string | undefined {
  try {
    return buildPurl({ type: 'pypi', name: normalizePythonName(name), version });
  } catch {
    return undefined;
  }
}

export function pythonPackage(f: {
  name: string;
  version: string;
  location: Location;
  foundBy: string;
  licenses?: string[];
  description?: string | undefined;
  supplier?: string | undefined;
  metadata?: Record<string, unknown>;
}): Package {
  return langPackage({ ...f, type: 'python', purl: pypiPurl(f.name, f.version) });
}
