/**
 * .NET portable executables (`*.dll`, `*.exe`): an assembly found on its own is reported from its version
 * resource as syft's dotnet-portable-executable-cataloger does (pe-resources.ts reads it, bounded):
 *  - only files with evidence of .NET (a CLR header with a runtime version, or a `CLRDEBUGINFO` resource);
 *    other PE files (native Windows programs) are not packages here;
 *  - the name: ProductName, else FileDescription, InternalName, OriginalFilename (for Microsoft's files,
 *    CompanyName or ProductName naming Microsoft: FileDescription first, ProductName last), whitespace
 *    normalised, a `(net8.0)` runtime suffix moved to metadata; else the file name without `.dll`/`.exe`;
 *  - the version: ProductVersion or FileVersion (each cut at its first word without a digit after one with;
 *    FileVersion falls back to VS_FIXEDFILEINFO's): for Microsoft's files the ProductVersion when it shares
 *    major.minor with a FileVersion of more segments (a CI build stamp), else the greater of the two when
 *    both are versions and differ, else the one with more punctuation, else whichever has a digit;
 *  - `pkg:nuget/<name>@<version>` as syft writes it (the name is a product name, not always a NuGet id).
 * An assembly a `.deps.json` deploys (its runtime assets, beside it) is that file's package already: the
 * runner drops the one found here (`yieldsToDescribed`), as syft's deps+binary cataloger claims it.
 */
import type { RandomAccessCatalogFile, CatalogContext, ParseResult } from '../cataloger.js';
import { baseOf, langPackage, purlOrUndefined } from '../lang-common.js';
import { isDotnetAssembly, readPeVersionInfo } from './pe-resources.js';

const CATALOGER = 'dotnet-portable-executable-cataloger';
const RUNTIME_SUFFIX = /\s*\((net[^)]*[0-9]+(?:\.[0-9]+)?)\)$/;

/** Trimmed, whitespace runs made one space, control characters dropped. */
function normalise(v: string | undefined): string {
  return (v ?? '').replace(/\s+/g, ' ').replace(/\p{Cc}/gu, '').trim();
}

function isMicrosoft(s: Record<string, string>): boolean {
  return /microsoft/i.test(s.CompanyName ?? '') || /microsoft/i.test(s.ProductName ?? '');
}

const hasDigit = (s: string): boolean => /[0-9]/.test(s);

/** syft's extractVersionFromResourcesValue: words up to the first one without a digit after one with. */
function versionWords(v: string | undefined): string {
  let out = '';
  for (const [i, w] of (v ?? '').trim().split(/\s+/).entries()) {
    if (w === '') continue;
    if (hasDigit(out) && !hasDigit(w)) return out;
    out = i === 0 ? w : `${out} ${w}`;
  }
  return out;
}

interface Semver {
  segments: number[];
  pre: string;
}

/** A version as hashicorp/go-version reads it (what syft compares with): numeric segments, pre-release, metadata. */
function parseVersion(v: string): Semver | undefined {
  const m = /^v?(\d+(?:\.\d+)*)(?:-?([0-9A-Za-z~.-]+?))?(?:\+([0-9A-Za-z~.-]+))?$/.exec(v);
  if (!m || m[1]!.split('.').some((s) => s.length > 15)) return undefined;
  return { segments: m[1]!.split('.').map(Number), pre: m[2] ?? '' };
}

function compare(a: Semver, b: Semver): number {
  const n = Math.max(a.segments.length, b.segments.length, 3);
  for (let i = 0; i < n; i++) {
    const d = (a.segments[i] ?? 0) - (b.segments[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  if (a.pre === b.pre) return 0;
  if (a.pre === '') return 1;
  if (b.pre === '') return -1;
  return a.pre < b.pre ? -1 : 1;
}

const punctuation = (s: string): number => (s.match(/[.\-+]/g) ?? []).length;

/** The version of an assembly from its ProductVersion and FileVersion (syft's rules, module comment). */
export function assemblyVersion(strings: Record<string, string>, fixed?: string): string {
  const product = versionWords(strings.ProductVersion);
  const file = versionWords(strings.FileVersion || fixed);
  const pv = parseVersion(product);
  const fv = parseVersion(file);
  if (isMicrosoft(strings) && pv && fv && pv.segments.length >= 2 && fv.segments.length >= 2) {
    if (pv.segments[0] === fv.segments[0] && pv.segments[1] === fv.segments[1] && pv.segments.length < fv.segments.length) return product.split('+')[0]!;
  }
  if (pv) {
    if (!fv) return product;
    const c = compare(pv, fv);
    if (c !== 0) return c < 0 ? file : product;
  }
  if (hasDigit(product) && punctuation(product) >= punctuation(file)) return product;
  if (hasDigit(file) && punctuation(file) > 0) return file;
  if (hasDigit(product)) return product;
  if (hasDigit(file)) return file;
  return product;
}

/** The name of an assembly and the runtime its name carries (`Foo (net8.0)`). */
export function assemblyName(strings: Record<string, string>, path: string): { name: string; runtime?: string } {
  const fields = isMicrosoft(strings) ? ['FileDescription', 'InternalName', 'OriginalFilename', 'ProductName'] : ['ProductName', 'FileDescription', 'InternalName', 'OriginalFilename'];
  let name = '';
  for (const f of fields) {
    name = normalise(strings[f]);
    if (name !== '') break;
  }
  const m = RUNTIME_SUFFIX.exec(name);
  if (m) {
    const stripped = name.slice(0, name.length - m[0].length).trim();
    if (stripped !== '') return { name: stripped, runtime: m[1]!.trim() };
  }
  if (name === '') name = baseOf(path).replace(/\.(dll|exe)$/i, '');
  return { name };
}

const KEPT = ['CompanyName', 'ProductName', 'FileDescription', 'InternalName', 'OriginalFilename', 'ProductVersion', 'FileVersion', 'LegalCopyright', 'Comments'];

export function parsePortableExecutable(file: RandomAccessCatalogFile, ctx: CatalogContext): ParseResult {
  const info = readPeVersionInfo(file.file);
  // not a PE image (a `.dll` of another kind), or a native one: nothing of .NET here
  if (info === undefined) return { packages: [] };
  if (info.unreadableClr === true && !isDotnetAssembly(info)) {
    ctx.incomplete('its PE headers name a CLR header (a .NET assembly) that lies outside the file', file.location);
    return { packages: [] };
  }
  if (!isDotnetAssembly(info)) return { packages: [] };
  const { name, runtime } = assemblyName(info.strings, file.location.path);
  const version = assemblyVersion(info.strings, info.fixedFileVersion);
  if (version === '') ctx.warn(`.NET assembly ${name} has no version in its version resource; reported without one`, file.location);
  const metadata: Record<string, unknown> = {};
  for (const k of KEPT) {
    const v = normalise(info.strings[k]);
    if (v !== '') metadata[k.charAt(0).toLowerCase() + k.slice(1)] = v.slice(0, 512);
  }
  if (runtime) metadata.runtime = runtime;
  if (info.clr) metadata.clrVersion = `${info.clr.major}.${info.clr.minor}`;
  return {
    packages: [
      langPackage({
        name,
        version,
        type: 'dotnet',
        purl: purlOrUndefined({ type: 'nuget', name, version }),
        location: file.location,
        foundBy: CATALOGER,
        metadata,
      }),
    ],
  };
}
