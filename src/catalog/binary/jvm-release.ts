/**
 * The `release` file at the root of every JDK/JRE image since Java 9 (and OpenJDK 8 builds):
 * `KEY="value"` lines written by the build (make/ReleaseFile.gmk; Temurin adds IMPLEMENTOR_VERSION,
 * SOURCE_REPO, ...). eclipse-temurin/openjdk images unpack it into /opt/java/openjdk/release.
 *
 * Reported as syft's java-jvm-cataloger does, so that grype and trivy match it the same way:
 * name = product, version = JAVA_RUNTIME_VERSION (else FULL_VERSION when its major matches
 * JAVA_VERSION's, else JAVA_VERSION), purl `pkg:generic/<vendor>/<product>@<version>` with the source
 * repository as `repository_url`, CPEs with the JEP 223 build number cut off (`21.0.4+7-LTS` → `21.0.4`)
 * and legacy updates split out (`1.8.0_302-b08` → version `1.8.0`, update `update302`).
 */
import { buildPurl } from '../../core/ecosystem.js';
import type { Package } from '../../sbom/model.js';
import type { CatalogContext, ParseResult, RandomAccessCatalogFile } from '../cataloger.js';
import { langPackage } from '../lang-common.js';
import { applicationCpe } from './cpe.js';
import { CATALOGER } from './runtime-package.js';

/** A release file is a few KB; more than this is not one. */
const MAX_RELEASE_BYTES = 64 * 1024;

/** `KEY="value"` (quotes optional) lines → fields; other lines are ignored. */
export function parseReleaseFields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (!m) continue;
    out.set(m[1]!, m[2]!.trim().replace(/^"(.*)"$/, '$1'));
  }
  return out;
}

/** The version syft reports for a JVM: the most specific field that is consistent with JAVA_VERSION. */
export function jvmVersion(f: Map<string, string>): string {
  const runtime = f.get('JAVA_RUNTIME_VERSION') ?? '';
  if (runtime !== '') return runtime;
  const full = f.get('FULL_VERSION') ?? '';
  const java = f.get('JAVA_VERSION') ?? '';
  if (full !== '' && full.split('.')[0] === java.split('.')[0]) return full;
  return java;
}

/** CPE version and update: JEP 223 `9.0.1+20` → `9.0.1`; legacy `1.8.0_302-b08` → `1.8.0`, `update302`. */
export function jvmCpeVersion(version: string): { version: string; update: string } {
  const us = version.split('_');
  if (us.length === 2) {
    const upd = us[1]!.split('-')[0]!;
    const trimmed = upd === '0' ? upd : upd.replace(/^0+/, '');
    return { version: us[0]!, update: trimmed === '' ? '' : /update/i.test(trimmed) ? trimmed : `update${trimmed}` };
  }
  if (version.includes('+')) return { version: version.split('+')[0]!, update: '' };
  return { version, update: '' };
}

/** Vendor and product from IMPLEMENTOR, the install path and the image type (syft's mapping). */
export function jvmVendorProduct(f: Map<string, string>, path: string, hasJdk: boolean): { vendor: string; product: string } {
  const implementor = (f.get('IMPLEMENTOR') ?? '').toLowerCase().replace(/\s+/g, '');
  const isJdk = hasJdk || !/jre/i.test(f.get('IMAGE_TYPE') ?? '');
  const jdkOrJre = isJdk ? 'jdk' : 'jre';
  if (implementor.includes('azul') || path.includes('zulu')) return { vendor: 'azul', product: 'zulu' };
  if (implementor.includes('sun')) return { vendor: 'sun', product: jdkOrJre };
  if (implementor.includes('ibm') || path.includes('/ibm')) return { vendor: 'ibm', product: hasJdk ? 'java_sdk' : 'java' };
  if (implementor.includes('oracle') || path.includes('oracle') || (f.get('BUILD_TYPE') ?? '').includes('commercial')) return { vendor: 'oracle', product: jdkOrJre };
  return { vendor: 'oracle', product: 'openjdk' };
}

function jvmCpes(vendor: string, product: string, version: string, isJdk: boolean): string[] {
  const { version: v, update } = jvmCpeVersion(version);
  if (v === '') return [];
  const pairs: [string, string][] = [];
  const enterprise = (ven: string): void => {
    pairs.push([ven, 'jre']);
    if (isJdk) pairs.push([ven, 'jdk']);
  };
  if (vendor === 'azul') pairs.push(['azul', 'zulu'], ['oracle', 'openjdk']);
  else if (vendor === 'sun') enterprise('sun');
  else if (vendor === 'oracle' && product !== 'openjdk') {
    pairs.push(['oracle', 'java_se']);
    enterprise('oracle');
  } else pairs.push([vendor, product]);
  return pairs.map(([ven, prod]) => applicationCpe(ven, prod, v, update));
}

/** One JDK/JRE from its `release` file; nothing (silently) when the file is not a JVM's. */
export async function parseJvmRelease(file: RandomAccessCatalogFile, ctx: CatalogContext): Promise<ParseResult> {
  if (file.file.size > MAX_RELEASE_BYTES) return { packages: [] };
  const fields = parseReleaseFields(file.file.read(0, MAX_RELEASE_BYTES).toString('utf8'));
  if (!fields.has('JAVA_VERSION') && !fields.has('JAVA_RUNTIME_VERSION')) return { packages: [] };
  const version = jvmVersion(fields);
  if (version === '' || !/^\d/.test(version)) {
    ctx.warn('a JVM release file without a usable JAVA_VERSION; no package reported', file.location);
    return { packages: [] };
  }
  const dir = file.location.path.slice(0, file.location.path.lastIndexOf('/'));
  const hasJdk = ctx.read !== undefined && (await ctx.read(`${dir}/bin/javac`)) !== undefined;
  const { vendor, product } = jvmVendorProduct(fields, file.location.path, hasJdk);
  const repo = fields.get('SOURCE_REPO') || fields.get('BUILD_SOURCE_REPO') || '';
  const metadata: Record<string, unknown> = { classifier: 'jvm-release' };
  for (const [k, key] of [['implementor', 'IMPLEMENTOR'], ['implementorVersion', 'IMPLEMENTOR_VERSION'], ['javaVersion', 'JAVA_VERSION'], ['imageType', 'IMAGE_TYPE']] as const) {
    const v = fields.get(key);
    if (v) metadata[k] = v;
  }
  const pkg: Package = langPackage({
    name: product,
    version,
    type: 'binary',
    purl: buildPurl({ type: 'generic', namespace: vendor, name: product, version, qualifiers: repo ? { repository_url: repo } : {} }),
    location: file.location,
    foundBy: CATALOGER,
    metadata,
  });
  const cpes = jvmCpes(vendor, product, version, hasJdk || !/jre/i.test(fields.get('IMAGE_TYPE') ?? ''));
  if (cpes.length > 0) pkg.cpes = cpes;
  return { packages: [pkg] };
}
