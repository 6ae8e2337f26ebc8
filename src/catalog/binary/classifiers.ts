/**
 * One small classifier per runtime: which file names it looks at and the version strings that
 * identify it. Names, purls and CPEs are those of syft's binary classifiers
 * (anchore/syft syft/pkg/cataloger/binary/classifiers.go), so grype matches what custody reports as it
 * matches what syft reports; the patterns were checked against the real binaries of Debian 12's
 * packages (test/images/runtimes.image.sh) and the version strings syft's test snippets document.
 */
import type { VersionPattern } from './scan.js';
import type { RuntimeProduct } from './runtime-package.js';
import { SYFT_CLASSIFIERS } from './classifiers-syft.js';

export interface ClassifierPattern extends VersionPattern {
  /** A different product when this pattern matches (openssl's AWS-LC fork, syft's branching matchers). */
  product?: RuntimeProduct;
  /** A different class name in `metadata.classifier` when this pattern matches (syft's branches). */
  class?: string;
  /** A literal (or expression) the file must also hold for this pattern's match to count (syft's multi-pattern matchers). */
  requires?: string | RegExp;
  /** The file's path must match this for the pattern to count (syft's MatchPath: `**\/*zulu*\/**`). */
  path?: RegExp;
  /** CPE version and update from the match's groups, when they are not the version (syft's CPE templates). */
  cpeVersion?: (groups: Record<string, string>) => [version: string, update: string];
}

export interface Classifier {
  /** syft's class name, kept in `metadata.classifier`. */
  class: string;
  /** The file names (last path segment) it applies to; the first capture, if any, feeds `patterns`. */
  file: RegExp;
  patterns(fileMatch: RegExpExecArray): ClassifierPattern[];
  product: RuntimeProduct;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const PYTHON: RuntimeProduct = { name: 'python', cpes: [['python_software_foundation', 'python'], ['python', 'python']] };
const NODE: RuntimeProduct = { name: 'node', cpes: [['nodejs', 'node.js']] };
const OPENSSL: RuntimeProduct = { name: 'openssl', cpes: [['openssl', 'openssl']] };
const AWS_LC: RuntimeProduct = { name: 'aws-lc', cpes: [['amazon', 'aws_libcrypto']] };
const CURL: RuntimeProduct = { name: 'curl', cpes: [['haxx', 'curl']] };

/**
 * CPython keeps its version as a NUL-terminated string (`\0 3.11.2 \0`, PY_VERSION) in the interpreter
 * and in libpython; the file name (`python3.11`, `libpython3.11.so.1.0`) says which one to look for.
 */
function pythonPatterns(m: RegExpExecArray): ClassifierPattern[] {
  const v = escape(m[1]!);
  return [{ anchor: `\0${m[1]!}.`, re: new RegExp(`\\x00(?<version>${v}\\.\\d+(?:(?:a|b|rc)\\d+)?\\+?)\\x00`) }];
}

const NODE_PATTERNS: ClassifierPattern[] = [
  // process.release / the user agent: "node.js/v22.9.0" (every version since 0.12 keeps it)
  { anchor: 'node.js/v', re: /node\.js\/v(?<version>\d+\.\d+\.\d+)/ },
  // node 0.10: "\0node v0.10.48\0"
  { anchor: '\0node v', re: /\x00node v(?<version>\d+\.\d+\.\d+)\x00/ },
  // node 0.12 to 6 (syft): "\0v0.12.18\0", "\0v4.9.1\0"
  { anchor: '\0v', re: /\x00v(?<version>(?:0|4|5|6)\.\d+\.\d+)\x00/ },
];

const OPENSSL_PATTERNS: ClassifierPattern[] = [
  // "\0OpenSSL 1.1.1 (compatible; AWS-LC 1.69.0)\0"
  { anchor: 'AWS-LC ', re: /AWS-LC (?<version>\d+\.\d+\.\d+)\)\x00/, product: AWS_LC },
  // OPENSSL_VERSION_TEXT: "\0OpenSSL 3.0.22 25 Aug 2026", "\0OpenSSL 1.1.1w  11 Sep 2023"
  { anchor: '\0OpenSSL ', re: /\x00OpenSSL (?<version>\d+\.\d+\.\d+(?:[a-z]+|-alpha\d+|-beta\d+|-rc\d+)?)/ },
];

export const CLASSIFIERS: readonly Classifier[] = [
  { class: 'python-binary', file: /^python(\d+\.\d+)$/, patterns: pythonPatterns, product: PYTHON },
  { class: 'python-binary-lib', file: /^libpython(\d+\.\d+)[a-z]?\.so(?:\.\d+)*$/, patterns: pythonPatterns, product: PYTHON },
  { class: 'nodejs-binary', file: /^node(?:js)?$/, patterns: () => NODE_PATTERNS, product: NODE },
  { class: 'nodejs-binary-lib', file: /^libnode\.so(?:\.\d+)*$/, patterns: () => NODE_PATTERNS, product: NODE },
  {
    class: 'redis-binary',
    file: /^redis-server$/,
    // redisBuildIdString() = version + BUILD_ID + git dirty flag + 8-hex git sha1, e.g.
    // "7.0.14buildkitsandbox-1702957741000000000" (official image), "4.0.11841ce7054bd9-1542359302000000000"
    // (hostname = container id), and Debian's reproducible builds with BUILD_ID = SOURCE_DATE_EPOCH:
    // "7.0.151790282056000000000" (10-digit epoch, "0", "00000000").
    patterns: () => [
      { anchor: 'buildkitsandbox-', re: /[^\d](?<version>\d+\.\d+\.\d+)buildkitsandbox-\d+/ },
      { re: /[^\d](?<version>\d+\.\d+\.\d+)\w{12}-\d+/ },
      { anchor: 'Redis version ', re: /Redis version (?<version>\d+\.\d+\.\d+)/ },
      { re: /[^\d.](?<version>\d+\.\d+\.\d+?)\d{10}0[0-9a-f]{8}\x00/ },
    ],
    product: { name: 'redis', cpes: [['redislabs', 'redis'], ['redis', 'redis']] },
  },
  {
    class: 'busybox-binary',
    file: /^busybox$/,
    patterns: () => [{ anchor: 'BusyBox', re: /BusyBox\s+v(?<version>\d+\.\d+\.\d+)/ }],
    product: { name: 'busybox', cpes: [['busybox', 'busybox']] },
  },
  {
    class: 'httpd-binary',
    file: /^(?:httpd|apache2)$/,
    // AP_SERVER_BASEVERSION "Apache/2.4.65"
    patterns: () => [{ anchor: 'Apache/', re: /Apache\/(?<version>\d+\.\d+\.\d+)/ }],
    product: { name: 'httpd', cpes: [['apache', 'http_server']] },
  },
  {
    class: 'postgresql-binary',
    file: /^postgres$/,
    // PG_VERSION_STR "\0PostgreSQL 15.1 (Debian ...) on x86_64-pc-linux-gnu"; "?PostgreSQL 9.5alpha1"
    patterns: () => [{ anchor: 'PostgreSQL ', re: /(?:\x00|\?)PostgreSQL (?<version>\d+(?:\.\d+)?(?:\.\d+)?(?:alpha\d+|beta\d+|rc\d+)?)/ }],
    product: { name: 'postgresql', cpes: [['postgresql', 'postgresql']] },
  },
  {
    class: 'nginx-binary',
    file: /^nginx$/,
    // NGINX_VER "\0nginx version: nginx/1.25.1"; openresty: "nginx version: openresty/1.21.4.1" (its nginx part)
    patterns: () => [{ anchor: 'nginx version: ', re: /(?:\x00|\?)nginx version: [^/\x00]+\/(?<version>\d+\.\d+\.\d+(?:\+\d+)?(?:-\d+)?)/ }],
    product: { name: 'nginx', cpes: [['f5', 'nginx'], ['nginx', 'nginx']] },
  },
  { class: 'openssl-binary', file: /^openssl$/, patterns: () => OPENSSL_PATTERNS, product: OPENSSL },
  { class: 'openssl-binary-lib', file: /^libcrypto\.so(?:\.\d+)*$/, patterns: () => OPENSSL_PATTERNS, product: OPENSSL },
  {
    class: 'curl-binary',
    file: /^curl$/,
    // the default user agent "curl/7.88.1"
    patterns: () => [{ anchor: 'curl/', re: /curl\/(?<version>\d+\.\d+\.\d+)/ }],
    product: CURL,
  },
  {
    class: 'curl-binary-lib',
    file: /^libcurl(?:-gnutls|-nss)?\.so(?:\.\d+)*$/,
    // curl_version(): "libcurl/7.88.1 OpenSSL/%s ..."
    patterns: () => [{ anchor: 'libcurl/', re: /libcurl\/(?<version>\d+\.\d+\.\d+)/ }],
    product: { name: 'curl', cpes: [['haxx', 'curl'], ['haxx', 'libcurl']] },
  },
  // the rest of syft's classifiers (classifiers-syft.ts)
  ...SYFT_CLASSIFIERS.map((c): Classifier => ({ class: c.class, file: c.file, patterns: () => c.patterns, product: c.product })),
];

/** Executable names the classifiers look at (the Go toolchain's `go` has its own reader). */
const EXECUTABLE_NAMES = [
  ...['node', 'nodejs', 'redis-server', 'busybox', 'httpd', 'apache2', 'postgres', 'nginx', 'openssl', 'curl', 'go'],
  // syft's other classifiers, by the file names of their globs
  ...['helm', 'valkey-server', 'getopt', 'haproxy', 'perl', 'composer*', 'memcached', 'traefik', 'arangosh', 'mysql', 'mysqld', 'ndbd', 'ndbmtd', 'ndb_mgmd'],
  ...['xtrabackup', 'mariadb', 'ruby', 'erlexec', 'beam.smp', 'swipl', 'dart', 'deno', 'bun', 'ghc*', 'cabal', 'stack', 'consul', 'vault', 'bash'],
  ...['ldapsearch', 'gcc', 'fluent-bit', 'wp', 'lighttpd', 'proftpd', 'zstd', 'xz', 'gzip', 'sqlcipher', 'jq', 'chrome', 'ffmpeg', 'elixir'],
  ...['pilot-discovery', 'pilot-agent', 'grafana', 'grafana-server', 'envoy', 'mongod', 'nginx-ingress-controller', 'filebeat', 'metricbeat'],
  ...['heartbeat', 'packetbeat', 'auditbeat', 'elastic-agent'],
];
/** Runtime libraries (syft's library classifiers). */
const LIBRARY_NAMES = [
  ...['libpython3*.so*', 'libpython2*.so*', 'libnode.so*', 'libcrypto.so*', 'libcurl.so*', 'libcurl-*.so*'],
  ...['libpypy*.so*', 'libjulia-internal.so*', 'libjulia.so*', 'libruby.so*', 'libstd-????????????????.so', 'libstd-????????????????.dylib', 'liberts_internal.a'],
  ...['libQt*Core.so*', 'libav*', 'libswresample*', 'libkrb5.so*'],
];

/**
 * The files the classifiers read: a runtime's executable or library wherever it is (`/traefik`, `/app/envoy`,
 * `/usr/share/grafana/bin/grafana`, `/opt/google/chrome/chrome`), as syft's classifier globs (`**\/node`)
 * look. Literal names keep the runner's path matcher cheap. These parsers stream (no companions): a file
 * is scanned once as it passes and never kept, and the ones an OS package lists are dropped afterwards
 * (`onlyUnowned`), so a distro's own libcrypto costs one scan and no memory.
 */
export const EXECUTABLE_GLOBS: readonly string[] = [
  ...EXECUTABLE_NAMES.map((n) => `**/${n}`),
  '**/python[23]*',
  ...LIBRARY_NAMES.map((n) => `**/${n}`),
  '**/chrome',
];

/** The first classifier for a file name, with the file name's match. */
export function classifierFor(fileName: string): { classifier: Classifier; match: RegExpExecArray } | undefined {
  return classifiersFor(fileName)[0];
}

/** Every classifier for a file name (syft runs each one whose glob matches: `mysql` is MySQL, Percona or MariaDB). */
export function classifiersFor(fileName: string): { classifier: Classifier; match: RegExpExecArray }[] {
  const out: { classifier: Classifier; match: RegExpExecArray }[] = [];
  for (const classifier of CLASSIFIERS) {
    const match = classifier.file.exec(fileName);
    if (match) out.push({ classifier, match });
  }
  return out;
}
