import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runtimeBinaryCataloger } from '../../../../src/catalog/binary/index.js';
import { classifierFor, classifiersFor, CLASSIFIERS, EXECUTABLE_GLOBS } from '../../../../src/catalog/binary/classifiers.js';
import { goRe } from '../../../../src/catalog/binary/classifiers-syft.js';
import { applicationCpe } from '../../../../src/catalog/binary/cpe.js';
import { goToolchainVersion } from '../../../../src/catalog/binary/executable.js';
import { jvmCpeVersion } from '../../../../src/catalog/binary/jvm-release.js';
import { MAX_SCAN_BYTES, scanForVersion, stringRanges, WINDOW_BYTES } from '../../../../src/catalog/binary/scan.js';
import { bufferSource, type ByteSource } from '../../../../src/catalog/go/elf.js';
import { wantsFor } from '../../../../src/catalog/run.js';
import { parsePurl } from '../../../../src/core/ecosystem.js';
import { FIXTURES } from '../../../helpers/paths.js';
import { catalogFiles, fixture, generated } from '../lang-support.js';
// @ts-expect-error -- a plain .mjs fixture builder without types
import { NEGATIVE, POSITIVE } from '../../../../scripts/fixtures/catalog-binary.mjs';
// @ts-expect-error the fixture builders are plain JS
import { goInline } from '../../../../scripts/fixtures/catalog-lang.mjs';

const cases = POSITIVE as [string, string, Buffer][];
const negatives = NEGATIVE as [string, string, Buffer][];
const C = [runtimeBinaryCataloger];

/** [case dir, installed file name, expected name, version, purl, cpes] */
const EXPECTED: [string, string, string, string, string, string[]][] = [
  ['python-3.11.2', 'python3.11', 'python', '3.11.2', 'pkg:generic/python@3.11.2', ['cpe:2.3:a:python_software_foundation:python:3.11.2:*:*:*:*:*:*:*', 'cpe:2.3:a:python:python:3.11.2:*:*:*:*:*:*:*']],
  ['python-3.13.0rc1', 'python3.13', 'python', '3.13.0rc1', 'pkg:generic/python@3.13.0rc1', ['cpe:2.3:a:python_software_foundation:python:3.13.0rc1:*:*:*:*:*:*:*', 'cpe:2.3:a:python:python:3.13.0rc1:*:*:*:*:*:*:*']],
  ['libpython-3.12.1', 'libpython3.12.so.1.0', 'python', '3.12.1', 'pkg:generic/python@3.12.1', ['cpe:2.3:a:python_software_foundation:python:3.12.1:*:*:*:*:*:*:*', 'cpe:2.3:a:python:python:3.12.1:*:*:*:*:*:*:*']],
  ['node-22.9.0', 'node', 'node', '22.9.0', 'pkg:generic/node@22.9.0', ['cpe:2.3:a:nodejs:node.js:22.9.0:*:*:*:*:*:*:*']],
  ['node-0.10.48', 'node', 'node', '0.10.48', 'pkg:generic/node@0.10.48', ['cpe:2.3:a:nodejs:node.js:0.10.48:*:*:*:*:*:*:*']],
  ['libnode-18.20.4', 'libnode.so.108', 'node', '18.20.4', 'pkg:generic/node@18.20.4', ['cpe:2.3:a:nodejs:node.js:18.20.4:*:*:*:*:*:*:*']],
  ['redis-7.0.14-buildkit', 'redis-server', 'redis', '7.0.14', 'pkg:generic/redis@7.0.14', ['cpe:2.3:a:redislabs:redis:7.0.14:*:*:*:*:*:*:*', 'cpe:2.3:a:redis:redis:7.0.14:*:*:*:*:*:*:*']],
  ['redis-4.0.11-hostname', 'redis-server', 'redis', '4.0.11', 'pkg:generic/redis@4.0.11', ['cpe:2.3:a:redislabs:redis:4.0.11:*:*:*:*:*:*:*', 'cpe:2.3:a:redis:redis:4.0.11:*:*:*:*:*:*:*']],
  ['redis-7.0.15-debian', 'redis-server', 'redis', '7.0.15', 'pkg:generic/redis@7.0.15', ['cpe:2.3:a:redislabs:redis:7.0.15:*:*:*:*:*:*:*', 'cpe:2.3:a:redis:redis:7.0.15:*:*:*:*:*:*:*']],
  ['redis-2.8.23-old', 'redis-server', 'redis', '2.8.23', 'pkg:generic/redis@2.8.23', ['cpe:2.3:a:redislabs:redis:2.8.23:*:*:*:*:*:*:*', 'cpe:2.3:a:redis:redis:2.8.23:*:*:*:*:*:*:*']],
  ['busybox-1.35.0', 'busybox', 'busybox', '1.35.0', 'pkg:generic/busybox@1.35.0', ['cpe:2.3:a:busybox:busybox:1.35.0:*:*:*:*:*:*:*']],
  ['httpd-2.4.58', 'httpd', 'httpd', '2.4.58', 'pkg:generic/httpd@2.4.58', ['cpe:2.3:a:apache:http_server:2.4.58:*:*:*:*:*:*:*']],
  ['apache2-2.4.71', 'apache2', 'httpd', '2.4.71', 'pkg:generic/httpd@2.4.71', ['cpe:2.3:a:apache:http_server:2.4.71:*:*:*:*:*:*:*']],
  ['postgres-15.20', 'postgres', 'postgresql', '15.20', 'pkg:generic/postgresql@15.20', ['cpe:2.3:a:postgresql:postgresql:15.20:*:*:*:*:*:*:*']],
  ['postgres-15beta4', 'postgres', 'postgresql', '15beta4', 'pkg:generic/postgresql@15beta4', ['cpe:2.3:a:postgresql:postgresql:15beta4:*:*:*:*:*:*:*']],
  ['nginx-1.25.1', 'nginx', 'nginx', '1.25.1', 'pkg:generic/nginx@1.25.1', ['cpe:2.3:a:f5:nginx:1.25.1:*:*:*:*:*:*:*', 'cpe:2.3:a:nginx:nginx:1.25.1:*:*:*:*:*:*:*']],
  ['nginx-1.21.4-openresty', 'nginx', 'nginx', '1.21.4', 'pkg:generic/nginx@1.21.4', ['cpe:2.3:a:f5:nginx:1.21.4:*:*:*:*:*:*:*', 'cpe:2.3:a:nginx:nginx:1.21.4:*:*:*:*:*:*:*']],
  ['openssl-3.0.22', 'openssl', 'openssl', '3.0.22', 'pkg:generic/openssl@3.0.22', ['cpe:2.3:a:openssl:openssl:3.0.22:*:*:*:*:*:*:*']],
  ['openssl-1.1.1w', 'openssl', 'openssl', '1.1.1w', 'pkg:generic/openssl@1.1.1w', ['cpe:2.3:a:openssl:openssl:1.1.1w:*:*:*:*:*:*:*']],
  ['aws-lc-1.69.0', 'openssl', 'aws-lc', '1.69.0', 'pkg:generic/aws-lc@1.69.0', ['cpe:2.3:a:amazon:aws_libcrypto:1.69.0:*:*:*:*:*:*:*']],
  ['libcrypto-3.0.22', 'libcrypto.so.3', 'openssl', '3.0.22', 'pkg:generic/openssl@3.0.22', ['cpe:2.3:a:openssl:openssl:3.0.22:*:*:*:*:*:*:*']],
  ['curl-7.88.1', 'curl', 'curl', '7.88.1', 'pkg:generic/curl@7.88.1', ['cpe:2.3:a:haxx:curl:7.88.1:*:*:*:*:*:*:*']],
  ['libcurl-8.5.0', 'libcurl.so.4', 'curl', '8.5.0', 'pkg:generic/curl@8.5.0', ['cpe:2.3:a:haxx:curl:8.5.0:*:*:*:*:*:*:*', 'cpe:2.3:a:haxx:libcurl:8.5.0:*:*:*:*:*:*:*']],
];

/** Where each case is installed: libraries under /usr/local/lib, executables under /usr/local/bin. */
const installAt = (file: string): string => (file.startsWith('lib') ? `/usr/local/lib/${file}` : `/usr/local/bin/${file}`);

describe('runtime-binary-cataloger: classifiers on synthetic executables holding the real version strings', () => {
  it('every positive fixture has an expectation', () => {
    expect(cases.map(([c]) => c).sort()).toEqual(EXPECTED.map(([c]) => c).sort());
  });

  it.each(EXPECTED)('%s (%s) → %s %s', async (dir, file, name, version, purl, cpes) => {
    const path = installAt(file);
    const r = await catalogFiles(C, [{ path, content: generated(`binary/${dir}/${file}`) }]);
    expect(r.warnings).toEqual([]);
    expect(r.packages).toHaveLength(1);
    const p = r.packages[0]!;
    expect(p).toMatchObject({ name, version, type: 'binary', purl, cpes, locations: [{ path }], foundBy: ['runtime-binary-cataloger'] });
    expect(p.metadata?.classifier).toBe(classifierFor(file)!.classifier.class);
  });

  it.each(negatives.map(([c, f]) => [c, f]))('look-alike %s (%s) gives nothing and no warning', async (dir, file) => {
    const r = await catalogFiles(C, [{ path: installAt(file), content: generated(`binary/${dir}/${file}`) }]);
    expect(r.packages).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  it('a script named like a runtime is read whole (it is not ELF) and matched like syft does', async () => {
    const r = await catalogFiles(C, [{ path: '/usr/local/bin/node', content: generated('binary/script-node/node') }]);
    expect(r.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['node@20.11.1']);
  });

  it('the Go toolchain: its `go` command (build info path cmd/go) and VERSION file are one package with both locations', async () => {
    const r = await catalogFiles(C, [
      { path: '/usr/local/go/bin/go', content: generated('binary/go-toolchain/go') },
      { path: '/usr/local/go/VERSION', content: 'go1.22.1\ntime 2024-02-29T18:18:48Z\n' },
    ]);
    expect(r.packages).toHaveLength(1);
    expect(r.packages[0]).toMatchObject({
      name: 'go',
      version: '1.22.1',
      purl: 'pkg:generic/go@1.22.1',
      cpes: ['cpe:2.3:a:golang:go:1.22.1:*:*:*:*:*:*:*'],
      locations: [{ path: '/usr/local/go/VERSION' }, { path: '/usr/local/go/bin/go' }],
    });
  });

  it('a development toolchain\'s VERSION (`devel go1.25-d524e1e <date>`) is the release line and the commit, as syft reports it', async () => {
    const r = await catalogFiles(C, [
      { path: '/usr/local/go/VERSION', content: 'devel go1.25-d524e1e Sun Feb 16 07:23:13 2025 -0800\n' },
      { path: '/opt/go-tip/VERSION', content: 'devel go1.25-XYZ Sun Feb 16\n' },
      { path: '/opt/go-x/VERSION', content: 'devel gox\n' },
    ]);
    expect(r.packages.map((p) => `${p.purl} ${p.locations.map((l) => l.path).join(' ')}`)).toEqual(['pkg:generic/go@1.25-d524e1e /usr/local/go/VERSION']);
  });

  it('a Go program installed as `go` that is not the toolchain, and VERSION files that are not Go\'s, give nothing', async () => {
    const r = await catalogFiles(C, [
      { path: '/usr/local/bin/go', content: generated('binary/go-not-toolchain/go') },
      { path: '/srv/go/VERSION', content: '1.0.0\n' },
      { path: '/usr/lib/go-1.19/VERSION', content: `go${'1'.repeat(5000)}` },
    ]);
    expect(r.packages).toEqual([]);
  });

  it('a `go` without Go build info is read by the runtime\'s version string (syft\'s text match); a pre-1.18 toolchain (build info without module information) by its Go version', async () => {
    const text = Buffer.concat([Buffer.from('\u0000\u0000go1.21.3\u0000\u0000panicnil=1\u0000'), Buffer.alloc(64, 0x41)]);
    const old = goInline('go1.16.15', '', 256) as Buffer;
    const r = await catalogFiles(C, [
      { path: '/usr/local/bin/go', content: text },
      { path: '/usr/local/go1.16/bin/go', content: old },
      // not NUL-terminated: a mention, not the runtime's version
      { path: '/opt/tools/bin/go', content: Buffer.from('built with go1.20.1 and more') },
    ]);
    expect(r.packages.map((p) => `${p.purl} ${p.locations.map((l) => l.path).join(' ')}`).sort()).toEqual([
      'pkg:generic/go@1.16.15 /usr/local/go1.16/bin/go',
      'pkg:generic/go@1.21.3 /usr/local/bin/go',
    ]);
  });

  it('the same runtime in a launcher and its library is one package; different versions stay apart', async () => {
    const r = await catalogFiles(C, [
      { path: '/usr/local/bin/python3.12', content: generated('binary/libpython-3.12.1/libpython3.12.so.1.0') },
      { path: '/usr/local/lib/libpython3.12.so.1.0', content: generated('binary/libpython-3.12.1/libpython3.12.so.1.0') },
      { path: '/opt/py311/bin/python3.11', content: generated('binary/python-3.11.2/python3.11') },
    ]);
    expect(r.packages.map((p) => [p.version, p.locations.map((l) => l.path)])).toEqual([
      ['3.11.2', ['/opt/py311/bin/python3.11']],
      ['3.12.1', ['/usr/local/bin/python3.12', '/usr/local/lib/libpython3.12.so.1.0']],
    ]);
  });

  it('looks at runtimes wherever they are, as syft\'s classifier globs do (a Go program at /traefik, a library beside an app)', async () => {
    const lib = generated('binary/libnode-18.20.4/libnode.so.108');
    const r = await catalogFiles(C, [
      // no OS database lists these, so each is reported (ownership.test.ts: a listed one is the OS package's)
      { path: '/usr/lib/x86_64-linux-gnu/libnode.so.108', content: lib },
      { path: '/app/nginx', content: generated('binary/nginx-1.25.1/nginx') },
      // a file named like a runtime without its version string gives nothing
      { path: '/etc/init.d/nginx', content: '#!/bin/sh\n# nginx init script, see nginx version: in the docs\n' },
    ]);
    expect(r.packages.map((p) => `${p.purl} ${p.locations.map((l) => l.path).join(' ')}`)).toEqual([
      'pkg:generic/nginx@1.25.1 /app/nginx',
      'pkg:generic/node@18.20.4 /usr/lib/x86_64-linux-gnu/libnode.so.108',
    ]);
    expect(r.incomplete).toEqual([]);
    const wants = wantsFor(C);
    expect(['/usr/local/bin/redis-server', '/usr/local/nginx/sbin/nginx', '/traefik', '/usr/local/lib/libpython3.12.so.1.0', '/opt/java/openjdk/release', '/usr/local/go/VERSION', '/usr/lib/go-1.19/VERSION', '/VERSION.cache'].every(wants)).toBe(true);
    expect(['/usr/share/doc/nginx/changelog.gz', '/usr/lib/x86_64-linux-gnu/libssl.so.3', '/srv/app/VERSION.txt'].some(wants)).toBe(false);
  });

  it('the Go toolchain\'s VERSION file is read wherever it is (syft\'s go-version hint), but only a Go release line counts', async () => {
    const r = await catalogFiles(C, [
      { path: '/VERSION', content: 'go1.15 Fri 2003' },
      { path: '/sdk/tip/VERSION.cache', content: 'devel go1.25-d524e1e Sun Feb 16 07:23:13 2025 -0800\n' },
      { path: '/srv/app/VERSION', content: '2.3.1\n' },
      { path: '/srv/tool/VERSION', content: 'gopher 1.2\n' },
    ]);
    expect(r.packages.map((p) => `${p.purl} ${p.locations.map((l) => l.path).join(' ')}`)).toEqual([
      'pkg:generic/go@1.15 /VERSION',
      'pkg:generic/go@1.25-d524e1e /sdk/tip/VERSION.cache',
    ]);
  });

  it('every classifier has a glob that reaches it', () => {
    const names = [
      ...['python3.11', 'libpython3.12.so.1.0', 'node', 'libnode.so.108', 'redis-server', 'busybox', 'httpd', 'postgres', 'nginx', 'openssl', 'libcrypto.so.3', 'curl', 'libcurl.so.4'],
      ...['libpypy3.9-c.so', 'libjulia-internal.so.1.12.6', 'helm', 'valkey-server', 'getopt', 'haproxy', 'perl', 'composer', 'memcached', 'traefik', 'arangosh', 'mysql'],
      ...['mysqld', 'ndbd', 'ndbmtd', 'ndb_mgmd', 'xtrabackup', 'mariadb', 'libstd-6f77337c1826707d.so', 'libstd-f6f9eec1635e636a.dylib', 'ruby', 'erlexec', 'beam.smp'],
      ...['liberts_internal.a', 'swipl', 'dart', 'deno', 'bun', 'ghc-9.4.7', 'cabal', 'stack', 'consul', 'vault', 'bash', 'ldapsearch', 'libQt5Core.so.5', 'gcc', 'fluent-bit'],
      ...['wp', 'lighttpd', 'proftpd', 'zstd', 'xz', 'gzip', 'sqlcipher', 'jq', 'chrome', 'ffmpeg', 'libavcodec.so.59', 'libswresample.so.4', 'elixir', 'pilot-discovery'],
      ...['pilot-agent', 'grafana', 'grafana-server', 'envoy', 'mongod', 'nginx-ingress-controller', 'filebeat', 'metricbeat', 'heartbeat', 'packetbeat', 'auditbeat'],
      ...['elastic-agent', 'libkrb5.so.3', 'libruby.so.3.2', 'libjulia.so.1.5'],
    ];
    expect(new Set(names.flatMap((n) => classifiersFor(n).map((f) => f.classifier.class)))).toEqual(new Set(CLASSIFIERS.map((c) => c.class)));
    const wants = wantsFor(C);
    for (const n of names) for (const dir of ['/usr/local/bin', '/opt/app', '']) expect(wants(`${dir}/${n}`), `${dir}/${n}`).toBe(true);
    expect(EXECUTABLE_GLOBS.some((g) => /[{}]/.test(g))).toBe(false); // literal names keep the path matcher cheap
  });
});

describe('runtime-binary-cataloger: JDK/JRE release files (syft java-jvm-cataloger expectations)', () => {
  it('Eclipse Temurin 21: openjdk, JAVA_RUNTIME_VERSION, repository_url, CPE without the build', async () => {
    const r = await catalogFiles(C, [{ path: '/opt/java/openjdk/release', content: fixture('binary/release/temurin-21') }]);
    const p = r.packages[0]!;
    expect(r.packages).toHaveLength(1);
    expect(p).toMatchObject({ name: 'openjdk', version: '21.0.4+7-LTS', type: 'binary', cpes: ['cpe:2.3:a:oracle:openjdk:21.0.4:*:*:*:*:*:*:*'] });
    // syft's test expects pkg:generic/oracle/openjdk@21.0.4%2B7-LTS?repository_url=https%3A%2F%2Fgithub.com%2Fadoptium%2Fjdk21u.git
    expect(parsePurl(p.purl!)).toEqual(parsePurl('pkg:generic/oracle/openjdk@21.0.4%2B7-LTS?repository_url=https%3A%2F%2Fgithub.com%2Fadoptium%2Fjdk21u.git'));
    expect(p.metadata).toMatchObject({ implementor: 'Eclipse Adoptium', implementorVersion: 'Temurin-21.0.4+7', javaVersion: '21.0.4', imageType: 'JDK' });
  });

  it('Oracle JDK 8 with bin/javac: jdk, legacy update in the CPEs (java_se, jre, jdk)', async () => {
    const r = await catalogFiles(C, [
      { path: '/usr/lib/jvm/jdk-1.8-oracle-x64/release', content: fixture('binary/release/oracle-8') },
      { path: '/usr/lib/jvm/jdk-1.8-oracle-x64/bin/javac', content: 'ELF' },
    ]);
    expect(r.packages).toHaveLength(1);
    expect(r.packages[0]).toMatchObject({
      name: 'jdk',
      version: '1.8.0_411-b25',
      purl: 'pkg:generic/oracle/jdk@1.8.0_411-b25',
      cpes: ['cpe:2.3:a:oracle:java_se:1.8.0:update411:*:*:*:*:*:*', 'cpe:2.3:a:oracle:jre:1.8.0:update411:*:*:*:*:*:*', 'cpe:2.3:a:oracle:jdk:1.8.0:update411:*:*:*:*:*:*'],
    });
  });

  it('Debian 17 (IMPLEMENTOR "Debian"): openjdk with its runtime version; zulu by path; files named release that are not a JVM\'s give nothing', async () => {
    const r = await catalogFiles(C, [
      { path: '/opt/java/openjdk/release', content: fixture('binary/release/debian-17') },
      { path: '/opt/zulu11/release', content: 'JAVA_VERSION="11.0.17"\nJAVA_RUNTIME_VERSION="11.0.17+8-LTS"\n' },
      { path: '/etc/release', content: 'Oracle Solaris 11.4 X86\n' },
      { path: '/srv/app/release', content: `${'x'.repeat(70 * 1024)}JAVA_VERSION="1"` },
    ]);
    expect(r.packages.map((p) => [p.name, p.version, p.cpes])).toEqual([
      ['openjdk', '17.0.21.1+2-1-deb12u1-Debian', ['cpe:2.3:a:oracle:openjdk:17.0.21.1:*:*:*:*:*:*:*']],
      ['zulu', '11.0.17+8-LTS', ['cpe:2.3:a:azul:zulu:11.0.17:*:*:*:*:*:*:*', 'cpe:2.3:a:oracle:openjdk:11.0.17:*:*:*:*:*:*:*']],
    ]);
    expect(r.warnings).toEqual([]);
  });

  it('CPE version and update as syft derives them (its jvm tests)', () => {
    expect(jvmCpeVersion('9.0.1+20')).toEqual({ version: '9.0.1', update: '' });
    expect(jvmCpeVersion('1.6.0_322-b002')).toEqual({ version: '1.6.0', update: 'update322' });
    expect(jvmCpeVersion('1.8.0_302-b08')).toEqual({ version: '1.8.0', update: 'update302' });
    expect(jvmCpeVersion('1.8.0_007-b08')).toEqual({ version: '1.8.0', update: 'update7' });
    expect(jvmCpeVersion('11.0.9')).toEqual({ version: '11.0.9', update: '' });
    expect(applicationCpe('oracle', 'openjdk', '17.0.2+8')).toBe('cpe:2.3:a:oracle:openjdk:17.0.2\\+8:*:*:*:*:*:*:*');
  });
});

describe("syft's other classifiers", () => {
  const at = (name: string, text: string) => catalogFiles(C, [{ path: `/usr/local/bin/${name}`, content: Buffer.from(text, 'latin1') }]);

  it('RE2 patterns translate to the same matches: named groups, flags, \\s, `.` across \\r, non-UTF-8 bytes', () => {
    expect(goRe(String.raw`(?m)a(?P<version>\d+)`).exec('x\na12')?.groups?.version).toBe('12');
    expect(goRe(String.raw`a.b`).test('a\rb')).toBe(true);
    expect(goRe(String.raw`a.b`).test('a\nb')).toBe(false);
    expect(goRe(String.raw`(?s)a.b`).test('a\nb')).toBe(true);
    expect(goRe(String.raw`a\sb`).test('a\xa0b')).toBe(false);
    expect(goRe(String.raw`a[^\s]b`).test('a\tb')).toBe(false);
    expect(goRe(String.raw`\x{FFFD}(?P<version>1)`).exec('\xe91')?.groups?.version).toBe('1');
    // NUL runs at either end: one NUL finds the same version, without quadratic backtracking on padding
    expect(goRe(String.raw`\x00+(?P<version>1)\x00+`).source).toBe(String.raw`\x00(?<version>1)\x00`);
    expect(goRe(String.raw`(?m)\x00*(?P<version>1)\x00+x`).source).toBe(String.raw`(?<version>1)\x00+x`);
  });

  it('every classifier crosses 4 MiB of NUL padding (with version-like digits in it) quickly', () => {
    const buf = Buffer.alloc(4 << 20);
    for (let i = 4096; i < buf.length; i += 65536) buf.write('1.2.3', i, 'latin1');
    for (const c of CLASSIFIERS) {
      const t0 = performance.now();
      scanForVersion(bufferSource(buf), c.patterns(/^python(\d+\.\d+)$/.exec('python3.11')!), [{ offset: 0, size: buf.length }]);
      expect(performance.now() - t0, c.class).toBeLessThan(1500);
    }
  });

  it("gzip's bare version counts only beside gzip's own message (syft's two-pattern matcher)", async () => {
    expect((await at('gzip', '\x001.12\x00')).packages).toEqual([]);
    const r = await at('gzip', '\x001.12\x00 %s: %s: not in gzip format\x00');
    expect(r.packages.map((p) => [p.purl, p.cpes])).toEqual([['pkg:generic/gzip@1.12', ['cpe:2.3:a:gnu:gzip:1.12:*:*:*:*:*:*:*']]]);
  });

  it('every classifier of a file name runs: a legacy MySQL Cluster mysqld is mysql-server and mysql-cluster', async () => {
    const r = await at('mysqld', 'x\x00mysql-cluster-gpl\x005.7.33-ndb-7.6.17\x00');
    expect(r.packages.map((p) => [p.purl, p.metadata?.classifier])).toEqual([
      ['pkg:generic/mysql-cluster@7.6.17', 'mysqld-mysql-cluster-legacy-binary'],
      ['pkg:generic/mysql-server@5.7.33', 'mysqld-mysql-cluster-legacy-binary'],
    ]);
  });

  it("syft's purls of other types and its namespaced names", async () => {
    const helm = await at('helm', '\x00v3.15.2\x00\x00');
    expect(helm.packages.map((p) => [p.name, p.type, p.purl])).toEqual([['helm', 'binary', 'pkg:golang/helm.sh/helm@3.15.2']]);
    const ghc = await at('ghc', '\x00GHC 9.4.7\x00');
    expect(ghc.packages.map((p) => [p.name, p.purl, p.cpes])).toEqual([['haskell/ghc', 'pkg:generic/haskell/ghc@9.4.7', ['cpe:2.3:a:haskell:ghc:9.4.7:*:*:*:*:*:*:*']]]);
    const erl = await at('erlexec', '/usr/src/otp_src_25.3.2.6/erts/');
    expect(erl.packages[0]!.cpes).toEqual(['cpe:2.3:a:erlang:erlang\\/otp:25.3.2.6:*:*:*:*:*:*:*']);
  });

  it('a shared Ruby or Julia build: the version from its library under /usr/local (syft goes there from the launcher)', async () => {
    const r = await catalogFiles(C, [
      { path: '/usr/local/lib/libruby.so.3.2.1', content: Buffer.from('\0ruby 3.2.1 (2023-02-08 revision 31819e82c8) [x86_64-linux]\0', 'latin1') },
      { path: '/opt/julia-1.5.4/lib/libjulia.so.1.5', content: Buffer.from('unknown option `%s`\x001.5.4\x00julia version %s', 'latin1') },
    ]);
    expect(r.packages.map((p) => [p.purl, p.cpes])).toEqual([
      ['pkg:generic/julia@1.5.4', ['cpe:2.3:a:julialang:julia:1.5.4:*:*:*:*:*:*:*']],
      ['pkg:generic/ruby@3.2.1', ['cpe:2.3:a:ruby-lang:ruby:3.2.1:*:*:*:*:*:*:*']],
    ]);
  });

  it('a pattern whose match spans more than the default reach from its anchor is still found (envoy: 1000 bytes)', async () => {
    const r = await at('envoy', `\x001.36.4\x00${'x'.repeat(900)}envoy_reloadable_features`);
    expect(r.packages.map((p) => p.purl)).toEqual(['pkg:generic/envoy@1.36.4']);
  });
});

describe("syft's Java launcher classifiers and Firefox", () => {
  const peer = (p: string): Buffer => readFileSync(join(FIXTURES, 'catalog', 'peers', 'syft', 'binary', p));

  it('a JVM without a release file: its launcher, with the legacy update in the CPE (syft: oracle:openjdk:{{primary}}:update{{update}})', async () => {
    const r = await catalogFiles(C, [{ path: '/opt/jre8/bin/java', content: peer('java-jre-openjdk/1.8.0_352-b08/linux-amd64/java') }]);
    expect(r.packages.map((p) => [p.purl, p.cpes, p.metadata?.classifier])).toEqual([
      ['pkg:generic/oracle/openjdk@1.8.0_352-b08', ['cpe:2.3:a:oracle:openjdk:1.8.0:update352:*:*:*:*:*:*'], 'java-binary-openjdk-with-update'],
    ]);
  });

  it('a JVM with a release file is reported from it, once: the launcher beside it gives nothing', async () => {
    const r = await catalogFiles(C, [
      { path: '/opt/java/openjdk/bin/java', content: peer('java-jre-openjdk/11.0.17/linux-amd64/java') },
      { path: '/opt/java/openjdk/release', content: 'JAVA_VERSION="11.0.17"\nJAVA_RUNTIME_VERSION="11.0.17+8-LTS"\nIMAGE_TYPE="JRE"\n' },
    ]);
    expect(r.packages.map((p) => [p.name, p.version, p.locations.map((l) => l.path)])).toEqual([['openjdk', '11.0.17+8-LTS', ['/opt/java/openjdk/release']]]);
  });

  it('Azul Zulu and IBM are told by the path, as syft does', async () => {
    const zulu = Buffer.from('x\0java\x0021\x0021.0.8+9-LTS\0y', 'latin1');
    const z = await catalogFiles(C, [{ path: '/usr/lib/jvm/zulu21-ca-amd64/bin/java', content: zulu }]);
    expect(z.packages.map((p) => [p.purl, p.cpes])).toEqual([['pkg:generic/azul/zulu@21.0.8+9-LTS', ['cpe:2.3:a:azul:zulu:21.0.8\\+9-LTS:*:*:*:*:*:*:*']]]);
    const ibm = Buffer.from('x\0java\0\x001.8\0\x001.8.0-foreman_2023_10_12_13_27-b00\0', 'latin1');
    const i = await catalogFiles(C, [{ path: '/opt/ibm/java/jre/bin/java', content: ibm }]);
    expect(i.packages.map((p) => p.purl)).toEqual(['pkg:generic/ibm/java@1.8.0-foreman_2023_10_12_13_27-b00']);
  });

  it("Firefox: the version from the application.ini beside the binary (syft's snippets); a non-Firefox ini gives nothing", async () => {
    const r = await catalogFiles(C, [
      { path: '/opt/firefox/firefox', content: peer('firefox/151.0/linux-amd64/firefox') },
      { path: '/opt/firefox/application.ini', content: peer('firefox/151.0/linux-amd64/application.ini') },
    ]);
    expect(r.packages.map((p) => [p.purl, p.cpes, p.locations.map((l) => l.path)])).toEqual([['pkg:generic/firefox@151.0', ['cpe:2.3:a:mozilla:firefox:151.0:*:*:*:*:*:*:*'], ['/opt/firefox/firefox']]]);
    const neg = await catalogFiles(C, [
      { path: '/opt/firefox/firefox', content: peer('negative/firefox/firefox') },
      { path: '/opt/firefox/application.ini', content: peer('negative/firefox/application.ini') },
    ]);
    expect(neg.packages).toEqual([]);
  });
});

describe('bounded search', () => {
  it('reads only the string sections of an ELF file, not its code', () => {
    const bin = Buffer.concat([generated('binary/nginx-1.25.1/nginx'), Buffer.alloc(8 << 20, 0x90)]);
    let read = 0;
    const counting: ByteSource = { size: bin.length, read: (o, n) => ((read += Math.min(n, bin.length - o)), bufferSource(bin).read(o, n)) };
    const r = scanForVersion(counting, classifierFor('nginx')!.classifier.patterns(/x/.exec('x')!));
    expect(r.hit?.version).toBe('1.25.1');
    expect(read).toBeLessThan(64 * 1024);
  });

  it('stops at the byte cap on a huge file without version strings, reads it window by window and says it stopped', () => {
    const size = MAX_SCAN_BYTES * 4;
    let read = 0;
    let biggest = 0;
    const zeros: ByteSource = {
      size,
      read: (o, n) => {
        const len = Math.max(0, Math.min(n, size - o));
        read += len;
        biggest = Math.max(biggest, len);
        return Buffer.alloc(len);
      },
    };
    const r = scanForVersion(zeros, [{ anchor: 'nginx version: ', re: /nginx version: (?<version>\d+)/ }]);
    expect(r.hit).toBeUndefined();
    expect(r.truncated).toBe(true);
    expect(read).toBeLessThanOrEqual(MAX_SCAN_BYTES + 64 * 1024);
    expect(biggest).toBeLessThanOrEqual(WINDOW_BYTES + 1024);
  });

  it('a version string across a window seam is found', () => {
    const marker = Buffer.from('\0nginx version: nginx/1.25.1\0', 'latin1');
    const buf = Buffer.alloc(3 * WINDOW_BYTES);
    marker.copy(buf, WINDOW_BYTES - 10);
    const r = scanForVersion(bufferSource(buf), classifierFor('nginx')!.classifier.patterns(/x/.exec('x')!), [{ offset: 0, size: buf.length }]);
    expect(r.hit?.version).toBe('1.25.1');
  });

  it('a file whose search stopped at the cap without a version is reported incomplete, naming the file', async () => {
    // not ELF, so read from its start: 1 MiB more than the cap, all zeros
    const r = await catalogFiles(C, [{ path: '/usr/local/sbin/nginx', content: Buffer.alloc(MAX_SCAN_BYTES + (1 << 20)) }]);
    expect(r.packages).toEqual([]);
    expect(r.warnings).toEqual([expect.stringMatching(/^\/usr\/local\/sbin\/nginx: not read completely: searched the first 67108864 bytes .* for a nginx version; none found there$/)]);
  });

  it('classifiers never match random bytes and finish quickly (fast-check)', () => {
    const names = ['python3.11', 'libpython3.12.so.1.0', 'node', 'redis-server', 'busybox', 'httpd', 'postgres', 'nginx', 'openssl', 'libcrypto.so.3', 'curl', 'libcurl.so.4'];
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.uint8Array({ minLength: 0, maxLength: 4096 }), (name, bytes) => {
        const found = classifierFor(name)!;
        const t0 = performance.now();
        const r = scanForVersion(bufferSource(Buffer.from(bytes)), found.classifier.patterns(found.match));
        expect(performance.now() - t0).toBeLessThan(200);
        expect(r.hit).toBeUndefined();
      }),
      { numRuns: 400 },
    );
  });

  it("syft's classifiers on hostile text built from their own anchors, digits and NULs (fast-check): never throw, stay fast", () => {
    const anchors = [...new Set(CLASSIFIERS.flatMap((c) => c.patterns(/^python(\d+\.\d+)$/.exec('python3.11')!)).flatMap((p) => (p.anchor ? [p.anchor] : [])))];
    const piece = fc.oneof(fc.constantFrom(...anchors), fc.constantFrom('\0', '\0\0', '1.2.3', '10.', '-', 'v', '.', ' ', '\n', '\r', '\xff'), fc.stringMatching(/^[0-9.a-z]{0,12}$/));
    fc.assert(
      fc.property(fc.constantFrom(...CLASSIFIERS), fc.array(piece, { maxLength: 400 }), (c, pieces) => {
        const buf = Buffer.from(pieces.join(''), 'latin1');
        const t0 = performance.now();
        const r = scanForVersion(bufferSource(buf), c.patterns(/^python(\d+\.\d+)$/.exec('python3.11')!), [{ offset: 0, size: buf.length }]);
        expect(performance.now() - t0).toBeLessThan(500);
        if (r.hit) expect(r.hit.version).toMatch(/^[0-9]/);
      }),
      { numRuns: 400 },
    );
  });

  it('hostile ELF headers and sections (fast-check): never throw, stay within the cap', () => {
    const seeds = cases.map(([, , b]) => b);
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(2000), fc.integer({ min: 0, max: 255 })), { maxLength: 16 }), (seed, flips) => {
        const b = Buffer.from(seed);
        for (const [at, v] of flips) b[at % b.length] = v;
        let read = 0;
        const src: ByteSource = { size: b.length, read: (o, n) => ((read += n), bufferSource(b).read(o, n)) };
        stringRanges(src);
        for (const c of CLASSIFIERS) scanForVersion(src, c.patterns(/^python(\d+\.\d+)$/.exec('python3.11')!));
        expect(read).toBeLessThan(CLASSIFIERS.length * (MAX_SCAN_BYTES + 2 * WINDOW_BYTES));
      }),
      { numRuns: 300 },
    );
  });

  it('Go release strings', () => {
    expect(goToolchainVersion('go1.22.1')).toBe('1.22.1');
    expect(goToolchainVersion('go1.21rc2')).toBe('1.21rc2');
    expect(goToolchainVersion('go1.22.1 X:boringcrypto')).toBe('1.22.1');
    expect(goToolchainVersion('devel go1.23-abc')).toBeUndefined();
    expect(goToolchainVersion('go')).toBeUndefined();
  });
});
