/**
 * Apple application bundles: `<Name>.app/Contents/Info.plist` (macOS layout), the bundle's CFBundle keys, XML or
 * binary plist (as syft reads them). Name: `CFBundleDisplayName`, else `CFBundleName`, `CFBundleExecutable`,
 * `CFBundleIdentifier`; version: `CFBundleShortVersionString`, else `CFBundleVersion` (syft's order). The
 * identifier, build version, package type, platforms, minimum OS and SDK, copyright go to metadata. There is
 * no purl type for app bundles: no purl (as syft), so OSV cannot cover them.
 */
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { langPackage } from '../lang-common.js';
import { PlistError, readPlist, type PlistValue } from './plist.js';

const CATALOGER = 'apple-app-bundle-cataloger';
/** syft reads 5 MB of an Info.plist; real ones are a few KB. */
const MAX_BYTES = 5 * 1024 * 1024;

const KEYS = {
  CFBundleIdentifier: 'bundleIdentifier',
  CFBundleName: 'bundleName',
  CFBundleDisplayName: 'displayName',
  CFBundleExecutable: 'executable',
  CFBundleShortVersionString: 'shortVersion',
  CFBundleVersion: 'bundleVersion',
  CFBundlePackageType: 'packageType',
  LSMinimumSystemVersion: 'minimumSystemVersion',
  MinimumOSVersion: 'minimumOSVersion',
  NSHumanReadableCopyright: 'copyright',
  DTPlatformName: 'platformName',
  DTSDKName: 'sdkName',
} as const;

export function parseInfoPlist(file: CatalogFile, ctx: CatalogContext): ParseResult {
  if (file.contents.length > MAX_BYTES) {
    ctx.incomplete(`Info.plist is ${file.contents.length} bytes, over the ${MAX_BYTES} read`);
    return { packages: [] };
  }
  let plist: PlistValue;
  try {
    plist = readPlist(file.contents);
  } catch (err) {
    if (err instanceof PlistError) throw new Error(`Info.plist is not a property list custody can read: ${err.message}`, { cause: err });
    throw err;
  }
  if (typeof plist !== 'object' || Array.isArray(plist)) throw new Error('Info.plist is not a dictionary');
  const text = (key: string): string | undefined => {
    const v = Object.hasOwn(plist, key) ? plist[key] : undefined;
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  };
  const name = text('CFBundleDisplayName') ?? text('CFBundleName') ?? text('CFBundleExecutable') ?? text('CFBundleIdentifier');
  const version = text('CFBundleShortVersionString') ?? text('CFBundleVersion');
  if (name === undefined || version === undefined) {
    ctx.warn(`Info.plist names no bundle ${name === undefined ? 'name' : 'version'}; not reported (as syft)`, file.location);
    return { packages: [] };
  }
  const metadata: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(KEYS)) {
    const v = text(key);
    if (v !== undefined) metadata[field] = v;
  }
  const platforms = Object.hasOwn(plist, 'CFBundleSupportedPlatforms') ? plist['CFBundleSupportedPlatforms'] : undefined;
  if (Array.isArray(platforms)) metadata['supportedPlatforms'] = platforms.filter((p): p is string => typeof p === 'string');
  return {
    packages: [
      langPackage({
        name,
        version,
        type: 'apple-app-bundle',
        location: file.location,
        foundBy: CATALOGER,
        metadata,
      }),
    ],
  };
}
