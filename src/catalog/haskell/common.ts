/** What the Haskell parsers share: package identifiers `name-version` and the Package they become. */
import type { Location, Package } from '../../sbom/model.js';
import { langPackage, purlOrUndefined } from '../lang-common.js';

export const CATALOGER = 'haskell-cataloger';
/** Hackage package names: alphanumeric words joined by `-`, each word with at least one letter. */
export const PACKAGE_NAME = /^[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*)*$/;
/** A PVP version: dot-separated non-negative integers. */
export const PVP_VERSION = /^\d+(?:\.\d+)*$/;

/** `aeson-2.1.2.1` → name and version (the version is the last `-` part; names have no all-digit words). */
export function splitPackageId(id: string): { name: string; version: string } | undefined {
  const dash = id.lastIndexOf('-');
  if (dash <= 0) return undefined;
  const name = id.slice(0, dash);
  const version = id.slice(dash + 1);
  return PACKAGE_NAME.test(name) && PVP_VERSION.test(version) ? { name, version } : undefined;
}

export function hackagePackage(name: string, version: string, location: Location, metadata: Record<string, unknown> = {}): Package {
  return langPackage({ name, version, type: 'hackage', purl: purlOrUndefined({ type: 'hackage', name, version }), location, foundBy: CATALOGER, metadata });
}
