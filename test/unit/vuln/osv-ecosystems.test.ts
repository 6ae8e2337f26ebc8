/**
 * Matching per OSV ecosystem on real records (fixtures/osv-records, SOURCES-vulndb.md): Ubuntu releases and
 * Pro, RPM module streams (AlmaLinux), Go stdlib from the toolchain version, Bitnami, Hex, Pub, NuGet,
 * crates.io, RubyGems, Maven, npm, PyPI; and the release rules of the families whose OSV data is not
 * available here (Red Hat, SUSE, openSUSE, Rocky, Debian, Alpine, Wolfi), on their published ecosystem strings.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareVersions } from '../../../src/query/versions/index.js';
import type { Package, Sbom } from '../../../src/sbom/model.js';
import { moduleMatches, osvQueryOf, releaseMatches } from '../../../src/vuln/osv/ecosystems.js';
import { matchSbom } from '../../../src/vuln/osv/matcher.js';
import { parseOsvRecord, type OsvRecord } from '../../../src/vuln/osv/record.js';
import { storeFromRecords } from '../../../src/vuln/osv/store.js';
import { PROJECT_ROOT } from '../../helpers/run-cli.js';

const RECORDS = join(PROJECT_ROOT, 'fixtures', 'osv-records');

function real(eco: string, id: string): OsvRecord {
  const r = parseOsvRecord(JSON.parse(readFileSync(join(RECORDS, eco, `${id.replace(/:/g, '_')}.json`), 'utf8')));
  if ('error' in r) throw new Error(r.error);
  return r.record;
}

const pkg = (name: string, version: string, purl: string, extra: Partial<Package> = {}): Package => ({
  id: `${purl}#${name}`,
  name,
  version,
  type: 'unknown',
  purl,
  licenses: [],
  locations: [],
  foundBy: [],
  ...extra,
});
const sbom = (packages: Package[], distro?: Sbom['distro']): Sbom => ({ subject: { kind: 'image', name: 't' }, packages, relationships: [], tools: [], ...(distro ? { distro } : {}) });
const ids = (records: OsvRecord[], packages: Package[], distro?: Sbom['distro']): string[] =>
  matchSbom(sbom(packages, distro), storeFromRecords(records), { compare: compareVersions })
    .findings.map((f) => `${f.package.name}@${f.package.version} ${f.id}`)
    .sort();

describe('Ubuntu (canonical/ubuntu-security-notices records)', () => {
  const coreutils = real('Ubuntu', 'CVE-2016-2781');
  const pcre = real('Ubuntu', 'CVE-2017-11164');
  const bash = real('Ubuntu', 'CVE-2022-3715');
  it('matches only the entries of the package\'s own release', () => {
    expect(ids([coreutils], [pkg('coreutils', '8.32-4.1ubuntu1', 'pkg:deb/ubuntu/coreutils@8.32-4.1ubuntu1?arch=amd64&distro=ubuntu-22.04')])).toEqual(['coreutils@8.32-4.1ubuntu1 CVE-2016-2781']);
    // The record has no entry for 23.10, and its 18.04 entry is Ubuntu Pro only.
    expect(ids([coreutils], [pkg('coreutils', '9.1-1ubuntu2', 'pkg:deb/ubuntu/coreutils@9.1-1ubuntu2?distro=ubuntu-23.10')])).toEqual([]);
    expect(ids([coreutils], [pkg('coreutils', '8.28-1ubuntu1', 'pkg:deb/ubuntu/coreutils@8.28-1ubuntu1?distro=ubuntu-18.04')])).toEqual([]);
  });
  it('Ubuntu:Pro entries apply only to packages from ESM (+esm versions)', () => {
    const esm = pkg('libpcre3', '1:8.31-2ubuntu2.3+esm1', 'pkg:deb/ubuntu/libpcre3@8.31-2ubuntu2.3%2Besm1?distro=ubuntu-14.04&epoch=1', { metadata: { source: 'pcre3' } });
    const plain = pkg('libpcre3', '1:8.31-2ubuntu2.3', 'pkg:deb/ubuntu/libpcre3@8.31-2ubuntu2.3?distro=ubuntu-14.04&epoch=1', { metadata: { source: 'pcre3' } });
    expect(ids([pcre], [esm])).toEqual(['libpcre3@1:8.31-2ubuntu2.3+esm1 CVE-2017-11164']);
    expect(ids([pcre], [plain])).toEqual([]);
    expect(releaseMatches('Ubuntu:Pro:FIPS-updates:22.04:LTS', '22.04', '1.2-3ubuntu0.1+esm1')).toBe(false);
    expect(releaseMatches('Ubuntu:Pro:FIPS-updates:22.04:LTS', '22.04', '1.2-3ubuntu0.1+fips1')).toBe(true);
  });
  it('binary packages meet their source package; the epoch qualifier is part of the version', () => {
    const lib = pkg('libpcre3', '8.39-13ubuntu0.22.04.1', 'pkg:deb/ubuntu/libpcre3@8.39-13ubuntu0.22.04.1?arch=amd64&distro=ubuntu-22.04&epoch=2', { metadata: { source: 'pcre3' } });
    expect(ids([pcre], [lib])).toEqual(['libpcre3@8.39-13ubuntu0.22.04.1 CVE-2017-11164']);
  });
  it('fixed versions close the range (bash 5.1-6ubuntu1.1 is fixed)', () => {
    expect(ids([bash], [pkg('bash', '5.1-6ubuntu1', 'pkg:deb/ubuntu/bash@5.1-6ubuntu1?distro=ubuntu-22.04')])).toEqual(['bash@5.1-6ubuntu1 CVE-2022-3715']);
    expect(ids([bash], [pkg('bash', '5.1-6ubuntu1.1', 'pkg:deb/ubuntu/bash@5.1-6ubuntu1.1?distro=ubuntu-22.04')])).toEqual([]);
    // Code names in the distro qualifier are releases too.
    expect(ids([bash], [pkg('bash', '5.1-6ubuntu1', 'pkg:deb/ubuntu/bash@5.1-6ubuntu1?distro=jammy')])).toEqual(['bash@5.1-6ubuntu1 CVE-2022-3715']);
  });
});

describe('RPM module streams (AlmaLinux records)', () => {
  const node18 = real('AlmaLinux', 'ALSA-2023:4536'); // 'Important: nodejs:18 security update', fixed 1:18.16.1-1.module_el8.8.0…
  const node20 = real('AlmaLinux', 'ALSA-2024:1687'); // 'Important: nodejs:20 security update', fixed 1:20.11.1-1.module_el8.9.0…
  const nodejs = (v: string, label?: string): Package =>
    pkg('nodejs', `1:${v}`, `pkg:rpm/almalinux/nodejs@${v}?arch=x86_64&epoch=1&distro=almalinux-8.9`, label ? { metadata: { modularityLabel: label } } : {});
  it('infers the stream of module builds from the advisory title', () => {
    expect(node18.affected.find((a) => a.name === 'nodejs')!.module).toBe('nodejs:18');
    expect(node20.affected.find((a) => a.name === 'nodejs')!.module).toBe('nodejs:20');
    // The older export names it explicitly (ecosystem_specific.rpm_modularity).
    expect(real('AlmaLinux', 'ALSA-2021:4156').affected[0]!.module).toBe('go-toolset:rhel8');
  });
  it('a package from module nodejs:18 matches nodejs:18 advisories and never nodejs:20 ones', () => {
    const p = nodejs('18.14.2-1.module_el8.7.0+3370+ebe3e7c1', 'nodejs:18:8070020230306170042:8a2dfd3b');
    expect(ids([node18, node20], [p], { id: 'almalinux', versionId: '8.9' })).toEqual(['nodejs@1:18.14.2-1.module_el8.7.0+3370+ebe3e7c1 ALSA-2023:4536']);
    const q = nodejs('20.10.0-1.module_el8.9.0+3725+1b3e94b6', 'nodejs:20:8090020231120160823:a75119d5');
    expect(ids([node18, node20], [q])).toEqual(['nodejs@1:20.10.0-1.module_el8.9.0+3725+1b3e94b6 ALSA-2024:1687']);
  });
  it('a module build whose label the SBOM lacks is matched against every stream, and says so', () => {
    const p = nodejs('18.14.2-1.module_el8.7.0+3370+ebe3e7c1');
    const m = matchSbom(sbom([p]), storeFromRecords([node18, node20]), { compare: compareVersions });
    expect(m.findings.map((f) => f.id).sort()).toEqual(['ALSA-2023:4536', 'ALSA-2024:1687']);
    expect(m.findings.every((f) => /module stream of the package unknown/.test(f.evidence[0]!.matcher ?? ''))).toBe(true);
  });
  it('a non-modular package never matches a module advisory', () => {
    expect(moduleMatches('nodejs:18', undefined)).toBe(false);
    expect(moduleMatches(undefined, 'nodejs:18')).toBe(true);
    expect(ids([node18], [pkg('nodejs', '1:16.0.0-1.el8', 'pkg:rpm/almalinux/nodejs@16.0.0-1.el8?epoch=1&distro=almalinux-8.9')])).toEqual([]);
  });
  it('AlmaLinux:8 entries do not apply to AlmaLinux 9', () => {
    expect(ids([node18], [nodejs('18.14.2-1.module_el8.7.0+3370+ebe3e7c1', 'nodejs:18')], { id: 'almalinux', versionId: '8.9' })).toHaveLength(1);
    const nine = pkg('nodejs', '1:18.14.2-1.module_el8.7.0+3370+ebe3e7c1', 'pkg:rpm/almalinux/nodejs@18.14.2-1.module_el8.7.0%2B3370%2Bebe3e7c1?epoch=1&distro=almalinux-9.3', { metadata: { modularityLabel: 'nodejs:18' } });
    expect(ids([node18], [nine])).toEqual([]);
  });
});

describe('language ecosystems on real GHSA / PyPA / Go / Bitnami records', () => {
  it('Go: the standard library by the toolchain version, in syft (go1.20.1) and custody (1.20.1) spellings', () => {
    const r = real('Go', 'GO-2023-1621'); // stdlib fixed 1.19.7 / 1.20.2
    for (const v of ['go1.20.1', '1.20.1']) expect(ids([r], [pkg('stdlib', v, `pkg:golang/stdlib@${v}`)])).toEqual([`stdlib@${v} GO-2023-1621`]);
    expect(ids([r], [pkg('stdlib', '1.20.2', 'pkg:golang/stdlib@1.20.2')])).toEqual([]);
  });
  it('Bitnami: the package revision (-8) is not a pre-release', () => {
    const r = real('Bitnami', 'BIT-postgresql-2026-6638'); // 17.0.0 ≤ v < 17.10.0
    expect(ids([r], [pkg('postgresql', '17.2.0-8', 'pkg:bitnami/postgresql@17.2.0-8?arch=arm64&distro=debian-12')])).toEqual(['postgresql@17.2.0-8 BIT-postgresql-2026-6638']);
    expect(ids([r], [pkg('postgresql', '17.10.0-0', 'pkg:bitnami/postgresql@17.10.0-0')])).toEqual([]);
  });
  it('Hex (SemVer, pre-releases): oidcc', () => {
    const r = real('Hex', 'GHSA-mj35-2rgf-cv8p');
    expect(ids([r], [pkg('oidcc', '3.0.1', 'pkg:hex/oidcc@3.0.1'), pkg('oidcc', '3.2.0-beta.2', 'pkg:hex/oidcc@3.2.0-beta.2'), pkg('oidcc', '3.1.2', 'pkg:hex/oidcc@3.1.2')])).toEqual([
      'oidcc@3.0.1 GHSA-mj35-2rgf-cv8p',
      'oidcc@3.2.0-beta.2 GHSA-mj35-2rgf-cv8p',
    ]);
  });
  it('Pub: http', () => {
    const r = real('Pub', 'GHSA-4rgh-jx4f-qfcq');
    expect(ids([r], [pkg('http', '0.13.2', 'pkg:pub/http@0.13.2'), pkg('http', '0.13.3', 'pkg:pub/http@0.13.3')])).toEqual(['http@0.13.2 GHSA-4rgh-jx4f-qfcq']);
  });
  it('NuGet names are case-insensitive; crates.io; RubyGems four-part versions', () => {
    expect(ids([real('NuGet', 'GHSA-5crp-9r3c-p9vr')], [pkg('newtonsoft.json', '12.0.3', 'pkg:nuget/newtonsoft.json@12.0.3')])).toEqual(['newtonsoft.json@12.0.3 GHSA-5crp-9r3c-p9vr']);
    expect(ids([real('crates.io', 'GHSA-m5pq-gvj9-9vr8')], [pkg('regex', '1.5.4', 'pkg:cargo/regex@1.5.4'), pkg('regex', '1.5.5', 'pkg:cargo/regex@1.5.5')])).toEqual(['regex@1.5.4 GHSA-m5pq-gvj9-9vr8']);
    const as = real('RubyGems', 'GHSA-2p68-f74v-9wc6');
    expect(ids([as], [pkg('activesupport', '6.0.3', 'pkg:gem/activesupport@6.0.3'), pkg('activesupport', '6.0.3.1', 'pkg:gem/activesupport@6.0.3.1')])).toEqual(['activesupport@6.0.3 GHSA-2p68-f74v-9wc6']);
  });
  it('Maven last_affected is inclusive (log4j 1.2.17); npm and PyPI by normalised name', () => {
    expect(ids([real('Maven', 'GHSA-f7vh-qwp3-x37m')], [pkg('log4j', '1.2.17', 'pkg:maven/log4j/log4j@1.2.17')])).toEqual(['log4j@1.2.17 GHSA-f7vh-qwp3-x37m']);
    expect(ids([real('npm', 'GHSA-hrpp-h998-j3pp')], [pkg('qs', '6.7.0', 'pkg:npm/qs@6.7.0'), pkg('qs', '6.7.3', 'pkg:npm/qs@6.7.3')])).toEqual(['qs@6.7.0 GHSA-hrpp-h998-j3pp']);
    expect(ids([real('PyPI', 'GHSA-j8r2-6x86-q33q')], [pkg('Requests', '2.28.1', 'pkg:pypi/Requests@2.28.1')])).toEqual(['Requests@2.28.1 GHSA-j8r2-6x86-q33q']);
  });
});

describe('release rules of families whose OSV data is not available here (published ecosystem strings)', () => {
  it('Red Hat: RHEL itself by major release; EUS/AUS streams and layered products never match OS packages', () => {
    expect(releaseMatches('Red Hat:enterprise_linux:8::appstream', '8.7')).toBe(true);
    expect(releaseMatches('Red Hat:enterprise_linux:8::baseos', '9.2')).toBe(false);
    expect(releaseMatches('Red Hat:enterprise_linux:10.0', '10.0')).toBe(true);
    expect(releaseMatches('Red Hat:rhel_eus:8.6::appstream', '8.6')).toBe(false);
    expect(releaseMatches('Red Hat:openshift:4.12::el8', '8.7')).toBe(false);
    const q = osvQueryOf(pkg('nodejs', '18.19.0', 'pkg:rpm/redhat/nodejs@18.19.0-1.module%2Bel8.9.0%2B20473%2Bc4e3d824?epoch=1&distro=rhel-8.9'), undefined)!;
    expect(q).toMatchObject({ family: 'Red Hat', release: '8.9', version: '1:18.19.0-1.module+el8.9.0+20473+c4e3d824', module: '?' });
    const labelled = osvQueryOf(pkg('nodejs', '18.19.0', 'pkg:rpm/redhat/nodejs@18.19.0-1.module%2Bel8?distro=rhel-8.9&rpmmod=nodejs:18:8090020231025135545:a75119d5'), undefined)!;
    expect(labelled.module).toBe('nodejs:18');
  });
  it('SUSE by version and service pack; openSUSE by Leap release or Tumbleweed', () => {
    expect(releaseMatches('SUSE:Linux Enterprise Server 15 SP5', '15.5')).toBe(true);
    expect(releaseMatches('SUSE:Linux Enterprise Module for Basesystem 15 SP5', '15.5')).toBe(true);
    expect(releaseMatches('SUSE:Linux Enterprise Server 15 SP5', '15.4')).toBe(false);
    expect(releaseMatches('SUSE:Linux Enterprise Server 15', '15')).toBe(true);
    expect(releaseMatches('SUSE:Linux Enterprise Micro 5.5', '15.5')).toBe(false);
    expect(osvQueryOf(pkg('curl', '8.0.1-150400.5.41.1', 'pkg:rpm/opensuse/curl@8.0.1-150400.5.41.1?distro=opensuse-leap-15.5'), undefined)).toMatchObject({ family: 'openSUSE', release: 'Leap 15.5' });
    expect(releaseMatches('openSUSE:Leap 15.5', 'Leap 15.5')).toBe(true);
    expect(releaseMatches('openSUSE:Tumbleweed', 'Leap 15.5')).toBe(false);
    expect(osvQueryOf(pkg('curl', '8.6.0-1.1', 'pkg:rpm/opensuse/curl@8.6.0-1.1?distro=opensuse-tumbleweed-20240301'), undefined)!.release).toBe('Tumbleweed');
  });
  it('Rocky Linux / AlmaLinux / Mageia by major; Debian by major (code names too); Alpine by minor; Wolfi and Chainguard have no releases', () => {
    expect(releaseMatches('Rocky Linux:9', '9.3')).toBe(true);
    expect(releaseMatches('Rocky Linux:9', '8.9')).toBe(false);
    expect(releaseMatches('Debian:12', '12.4')).toBe(true);
    expect(osvQueryOf(pkg('openssl', '3.0.11-1~deb12u2', 'pkg:deb/debian/openssl@3.0.11-1~deb12u2?distro=bookworm'), undefined)!.release).toBe('12');
    expect(releaseMatches('Alpine:v3.19', '3.19.1')).toBe(true);
    expect(releaseMatches('Alpine:v3.19', '3.18.5')).toBe(false);
    expect(releaseMatches('Alpine:edge', 'edge')).toBe(true);
    expect(releaseMatches('Wolfi', undefined)).toBe(true);
    expect(osvQueryOf(pkg('openssl', '3.1.4-r0', 'pkg:apk/wolfi/openssl@3.1.4-r0'), undefined)).toMatchObject({ family: 'Wolfi', ordering: 'apk' });
    expect(osvQueryOf(pkg('busybox', '1.36.1-r5', 'pkg:apk/alpine/busybox@1.36.1-r5?distro=alpine-3.19.1', { metadata: { origin: 'busybox' } }), undefined)).toMatchObject({ family: 'Alpine', release: '3.19.1' });
  });
});
