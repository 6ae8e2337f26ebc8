/**
 * The rest of syft's binary classifiers (anchore/syft syft/pkg/cataloger/binary/classifiers.go at
 * bf82010f): same class, package name, purl and CPEs, the same file names, and syft's version patterns
 * written in syft's own (Go RE2) syntax and translated once by {@link goRe}, so they can be compared
 * with syft's line by line. Each pattern has a literal `anchor` where one exists (the scanner finds it
 * with Buffer#indexOf and runs the expression only around it) and a `reach` where syft's pattern spans
 * more than the default 256 bytes around that literal.
 *
 * Instead of syft's SharedLibraryLookup (julia launcher → libjulia, ruby → libruby, python → libpython)
 * custody reads those libraries themselves, under /usr/local and /opt (README Limits). Elsewhere: Go (its
 * build info and VERSION file, executable.ts/go-version.ts), Firefox (firefox.ts: its application.ini)
 * and the Java launchers (classifiers-java.ts).
 */
import type { RuntimeProduct } from './runtime-package.js';
import type { ClassifierPattern } from './classifiers.js';

/**
 * A syft (Go RE2) pattern as a JavaScript RegExp over latin1 text: `(?P<name>` → `(?<name>`, leading
 * `(?m)`/`(?s)` → flags, RE2's `\s` (`[\t\n\f\r ]`, narrower than JavaScript's), RE2's `.` (every byte
 * but `\n`; JavaScript's also stops at `\r`) and `\x{FFFD}` (what RE2 sees for a byte that is not UTF-8)
 * → any byte from 0x80.
 */
export function goRe(pattern: string): RegExp {
  let flags = '';
  const lead = /^\(\?([ms]+)\)/.exec(pattern);
  let src = lead ? pattern.slice(lead[0].length) : pattern;
  if (lead) flags = [...new Set(lead[1]!)].join('');
  src = src.replace(/\(\?P</g, '(?<').replace(/\\x\{FFFD\}/g, '[\\x80-\\xff]');
  // A run of NULs at either end only widens the match, never changes the version it captures; tried at
  // every NUL of a long padding run, a greedy `\x00+` backtracks quadratically: one NUL is as good.
  src = src.replace(/^\\x00\*/, '').replace(/^\\x00\+/, '\\x00').replace(/\\x00\+$/, '\\x00');
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const n = src[i + 1]!;
      out += n === 's' ? (inClass ? '\\t\\n\\f\\r ' : '[\\t\\n\\f\\r ]') : `\\${n}`;
      i++;
      continue;
    }
    if (c === '[' && !inClass) inClass = true;
    else if (c === ']' && inClass) inClass = false;
    // RE2's `.` is any byte but \n; JavaScript's also stops at \r
    out += c === '.' && !inClass && !flags.includes('s') ? '[^\\n]' : c;
  }
  return new RegExp(out, flags);
}

/** One syft pattern: its text, the literal every match holds, and how far a match may reach from it. */
function p(pattern: string, anchor?: string, extra: Omit<ClassifierPattern, 're' | 'anchor'> = {}): ClassifierPattern {
  return { re: goRe(pattern), ...(anchor === undefined ? {} : { anchor }), ...extra };
}

const product = (name: string, cpes: [string, string][], purl?: RuntimeProduct['purl']): RuntimeProduct => ({ name, cpes, ...(purl ? { purl } : {}) });

export interface SyftClassifier {
  class: string;
  file: RegExp;
  product: RuntimeProduct;
  patterns: ClassifierPattern[];
}

const V3 = String.raw`[0-9]+\.[0-9]+\.[0-9]+`;
const MYSQL_V = String.raw`[0-9]+(\.[0-9]+)?(\.[0-9]+)?(alpha[0-9]|beta[0-9]|rc[0-9])?`;
const OTP_V = String.raw`[0-9]+\.[0-9]+(\.[0-9]+){0,2}(-rc[0-9])?`;
const ISTIO_V = String.raw`[0-9]+\.[0-9]+\.[0-9]+(-alpha\.[0-9]+|-beta\.[0-9]+|-rc\.[0-9]+|-dev)?`;

const MYSQL = product('mysql', [['oracle', 'mysql']]);
const MYSQL_SERVER = product('mysql-server', [['oracle', 'mysql'], ['oracle', 'mysql_server']]);
const MYSQL_CLUSTER = product('mysql-cluster', [['oracle', 'mysql_cluster']]);
const ERLANG = product('erlang', [['erlang', 'erlang/otp']]);
const RUST = product('rust', [['rust-lang', 'rust']]);
const FFMPEG = product('ffmpeg', [['ffmpeg', 'ffmpeg']]);
const GRAFANA = product('grafana', [['grafana', 'grafana']]);
const ISTIO_PURL = { type: 'generic', name: 'istio' };

const erlangSource = [
  // <artificial>[NUL]/usr/src/otp_src_25.3.2.6/erts/
  p(String.raw`(?m)/src/otp_src_(?P<version>${OTP_V})/erts/`, '/src/otp_src_'),
  // <artificial>[NUL]/usr/local/src/otp-25.3.2.7/erts/
  p(String.raw`(?m)/usr/local/src/otp-(?P<version>${OTP_V})/erts/`, '/usr/local/src/otp-'),
];

const istioPatterns = [
  // [NUL]1.26.8[NUL][NUL]1.26.8[NUL]
  p(String.raw`[0-9]+\.[0-9]+\.[0-9]+\x00+(?P<version>${ISTIO_V})\x00+`),
  // Clean[NUL][NUL][NUL]1.8.0[NUL]
  p(String.raw`Clean\x00+(?P<version>${ISTIO_V})\x00+`, 'Clean\0'),
  // Modified[NUL]...[NUL]1.10-dev[NUL]
  p(String.raw`Modified\x00+(?P<version>[0-9]+\.[0-9]+-dev)\x00+`, 'Modified\0'),
  // 1.1.17[NUL]...S=v<y5
  p(String.raw`(?s)(?P<version>${ISTIO_V})\x00+.{1,100}S?=v<y5`, '=v<y5'),
];

// all Elastic Beats: 9.x "forcestdinsetupTest 9.4.2%s", 8.18 "exportconfigcreateplugin8.18.4globalclient", 8.11 "5m.rate8.11.2-9765625"
const beats = [
  p(String.raw`Test (?P<version>${V3})[a-z%]`, 'Test '),
  p(String.raw`plugin(?:output)?(?P<version>${V3})[-a-z]`, 'plugin'),
  p(String.raw`5m\.rate(?P<version>${V3})-`, '5m.rate'),
];
const beat = (name: string): SyftClassifier => ({
  class: `${name}-binary`,
  file: new RegExp(`^${name}$`),
  product: product(name, [['elastic', name]]),
  patterns: beats,
});

const ENVOY_V = (major: string): string => String.raw`(?P<version>${major}\.[0-9]+(-dev)?)`;

export const SYFT_CLASSIFIERS: readonly SyftClassifier[] = [
  {
    class: 'pypy-binary-lib',
    file: /^libpypy.*\.so/,
    product: product('pypy', []),
    patterns: [p(String.raw`(?m)\[PyPy (?P<version>${V3})`, '[PyPy ')],
  },
  {
    class: 'julia-binary',
    file: /^libjulia-internal\.so(?:\.\d+)*$/,
    product: product('julia', [['julialang', 'julia']]),
    patterns: [
      p(String.raw`\x00__init__\x00(?P<version>${V3}(-alpha[0-9]|-beta[0-9]|-rc[0-9])?)\x00(branch|verify_methods)`, '\0__init__\0'),
      p(String.raw`(?P<version>${V3}(-alpha[0-9]|-beta[0-9]|-rc[0-9])?)\x00branch\x00`, '\0branch\0'),
      p(String.raw`\x00verify_methods\x00.{0,30}(?P<version>${V3}(-alpha[0-9]|-beta[0-9]|-rc[0-9])?)\x00BigInt`, '\0BigInt'),
      p(String.raw`\x00(?P<version>${V3}(-alpha[0-9]|-beta[0-9]|-rc[0-9])?)\x00julia version`, '\0julia version'),
    ],
  },
  {
    // syft reaches libjulia through the `julia` launcher's shared-library lookup; custody reads the library itself
    class: 'julia-binary',
    file: /^libjulia\.so(?:\.\d+)*$/,
    product: product('julia', [['julialang', 'julia']]),
    patterns: [
      // unknown option `%s`[NUL]1.5.4[NUL]julia version %s
      p(String.raw`\x00(?P<version>${V3}(-alpha[0-9]|-beta[0-9]|-rc[0-9])?)\x00julia version`, '\0julia version'),
      // [NUL]#kw#[NUL]1.3.1[NUL]BigInt
      p(String.raw`\x00#kw#\x00(?P<version>${V3}(-alpha[0-9]|-beta[0-9]|-rc[0-9])?)\x00(BigInt|_require_dependencies)`, '\0#kw#\0'),
      // [NUL]ObjectIdDict[NUL]0.6.4[NUL]jl_sysimg_cpu_target
      p(String.raw`\x00ObjectIdDict\x00(?P<version>${V3}(-alpha[0-9]|-beta[0-9]|-rc[0-9])?)\x00jl_sysimg_cpu_target`, '\0ObjectIdDict\0'),
      // [NUL]require[NUL]0.4.6[NUL]core2
      p(String.raw`\x00require\x00(?P<version>${V3}(-alpha[0-9]|-beta[0-9]|-rc[0-9])?)\x00core2`, '\0require\0'),
    ],
  },
  {
    class: 'helm',
    file: /^helm$/,
    product: product('helm', [['helm', 'helm']], { type: 'golang', namespace: 'helm.sh', name: 'helm' }),
    patterns: [
      p(String.raw`\x00v(?P<version>${V3}(-alpha\.[0-9]|-beta\.[0-9]|-rc\.[0-9])?)\x00{2,}`),
      p(String.raw`v(?P<version>${V3}(-alpha\.[0-9]|-beta\.[0-9]|-rc\.[0-9])?)\x00+.{1,500}go[0-9]+\.[0-9]+\.[0-9]+\x00+`),
      p(String.raw`\x00v(?P<version>${V3}(-alpha\.[0-9]|-beta\.[0-9]|-rc\.[0-9])?)\x00`),
      p(String.raw`@v(?P<version>${V3}(-alpha\.[0-9]|-beta\.[0-9]|-rc\.[0-9])?)\x00`, '@v'),
    ],
  },
  {
    class: 'valkey-binary',
    file: /^valkey-server$/,
    product: product('valkey', [['lfprojects', 'valkey'], ['linuxfoundation', 'valkey'], ['valkey-io', 'valkey']]),
    patterns: [p(String.raw`[^\d](?P<version>\d+.\d+\.\d+)buildkitsandbox-\d+`, 'buildkitsandbox-')],
  },
  {
    class: 'util-linux-binary',
    file: /^getopt$/,
    product: product('util-linux', [['kernel', 'util-linux']]),
    patterns: [p(String.raw`\x00util-linux\s(?P<version>${V3})\x00`, '\0util-linux')],
  },
  {
    class: 'haproxy-binary',
    file: /^haproxy$/,
    product: product('haproxy', [['haproxy', 'haproxy']]),
    patterns: [
      p(String.raw`(?m)version (?P<version>[0-9]+\.[0-9]+(\.|-dev|-rc)[0-9]+)(-[a-z0-9]{7})?, released 20`, ', released 20'),
      p(String.raw`(?m)HA-Proxy version (?P<version>[0-9]+\.[0-9]+(\.|-dev)[0-9]+)`, 'HA-Proxy version '),
      p(String.raw`(?m)(?P<version>[0-9]+\.[0-9]+(\.|-dev)[0-9]+)-[0-9a-zA-Z]{7}.+HAProxy version`, 'HAProxy version'),
    ],
  },
  {
    class: 'perl-binary',
    file: /^perl$/,
    product: product('perl', [['perl', 'perl']]),
    patterns: [p(String.raw`(?m)\/usr\/local\/lib\/perl\d\/(?P<version>${V3})`, '/usr/local/lib/perl')],
  },
  {
    class: 'php-composer-binary',
    file: /^composer/,
    product: product('composer', [['getcomposer', 'composer']]),
    patterns: [p(String.raw`(?m)'pretty_version'\s*=>\s*'(?P<version>${V3}(beta[0-9]+|alpha[0-9]+|RC[0-9]+)?)'`, "'pretty_version'")],
  },
  {
    class: 'memcached-binary',
    file: /^memcached$/,
    product: product('memcached', [['memcached', 'memcached']]),
    patterns: [p(String.raw`(?m)memcached\s(?P<version>${V3})`, 'memcached')],
  },
  {
    class: 'traefik-binary',
    file: /^traefik$/,
    product: product('traefik', [['traefik', 'traefik']]),
    // [NUL]v1.7.34[NUL], [NUL]2.9.6[NUL], (a non-UTF-8 byte)3.0.4[NUL]
    patterns: [p(String.raw`(?m)(\x00v?|\x{FFFD}.?)(?P<version>${V3}(-alpha[0-9]|-beta[0-9]|-rc[0-9])?)\x00`)],
  },
  {
    class: 'arangodb-binary',
    file: /^arangosh$/,
    product: product('arangodb', [['arangodb', 'arangodb']]),
    patterns: [p(String.raw`(?m)\x00*(?P<version>${V3}(-[0-9]+)?)\s(enterprise\s)?\[linux\]`, '[linux]')],
  },
  {
    class: 'mysql-binary',
    file: /^mysql$/,
    product: MYSQL,
    patterns: [
      // shutdown[NUL]8.0.37[NUL][NUL][NUL][NUL][NUL]mysql_real_esc
      p(String.raw`\x00(?P<version>${MYSQL_V})\x00+mysql`, '\0mysql'),
      // .../release/mysql-8.0.4-rc/mysys_ssl/my_default.cc
      p(String.raw`(?m).*/mysql-(?P<version>${MYSQL_V})`, '/mysql-'),
    ],
  },
  {
    class: 'mysql-binary',
    file: /^mysql$/,
    product: product('percona-server', [['oracle', 'mysql'], ['percona', 'percona_server']]),
    patterns: [p(String.raw`(?m).*/percona-server-(?P<version>${MYSQL_V})`, '/percona-server-')],
  },
  {
    class: 'mysql-binary',
    file: /^mysql$/,
    product: product('percona-xtradb-cluster', [['oracle', 'mysql'], ['percona', 'percona_server'], ['percona', 'xtradb_cluster']]),
    patterns: [p(String.raw`(?m).*/Percona-XtraDB-Cluster-(?P<version>${MYSQL_V})`, '/Percona-XtraDB-Cluster-')],
  },
  {
    // legacy MySQL Cluster (5.7.33-ndb-7.5.21): the MySQL Server part
    class: 'mysqld-mysql-cluster-legacy-binary',
    file: /^mysqld$/,
    product: MYSQL_SERVER,
    patterns: [p(String.raw`cluster-gpl\x00(?P<version>[0-9]+(\.[0-9]+)?(\.[0-9]+)?)\-ndb\-[0-9]+(\.[0-9]+)?(\.[0-9]+)?`, 'cluster-gpl\0')],
  },
  {
    // syft's branching matcher: the first branch that matches decides the product
    class: 'mysqld-binary',
    file: /^mysqld$/,
    product: MYSQL_SERVER,
    patterns: [
      p(String.raw`cluster-gpl\x00[0-9]+(\.[0-9]+)?(\.[0-9]+)?\-ndb\-(?P<version>[0-9]+(\.[0-9]+)?(\.[0-9]+)?)`, 'cluster-gpl\0', { product: MYSQL_CLUSTER, class: 'mysqld-mysql-cluster-legacy-binary' }),
      p(String.raw`/mysql-cluster-gpl-(?P<version>${MYSQL_V})/`, '/mysql-cluster-gpl-', {
        product: product('mysql-cluster', [['oracle', 'mysql'], ['oracle', 'mysql_server'], ['oracle', 'mysql_cluster']]),
        class: 'mysqld-mysql-cluster-binary',
      }),
      p(String.raw`/mysql-(?P<version>${MYSQL_V})/`, '/mysql-', { class: 'mysqld-mysql-server-binary' }),
    ],
  },
  ...(['ndbd', 'ndbmtd', 'ndb_mgmd'] as const).map((n): SyftClassifier => ({
    class: `${n}-binary`,
    file: new RegExp(`^${n}$`),
    product: MYSQL_CLUSTER,
    patterns: [p(String.raw`/mysql-cluster-gpl-(?P<version>${MYSQL_V})/`, '/mysql-cluster-gpl-')],
  })),
  {
    class: 'xtrabackup-binary',
    file: /^xtrabackup$/,
    product: product('percona-xtrabackup', [['percona', 'xtrabackup']]),
    patterns: [p(String.raw`(?m).*/percona-xtrabackup-(?P<version>${MYSQL_V})`, '/percona-xtrabackup-')],
  },
  {
    class: 'mariadb-binary',
    file: /^(?:mariadb|mysql)$/,
    product: product('mariadb', [['mariadb', 'mariadb']]),
    patterns: [
      // 10.6.15-MariaDB
      p(String.raw`(?m)(?P<version>${MYSQL_V})-MariaDB`, '-MariaDB'),
      // the release directory of MariaDB.org / RHEL tarball builds: mariadb-11.8.5-linux-systemd-x86_64
      p(String.raw`(?m)(?:^|/)mariadb-(?P<version>${MYSQL_V})-`, 'mariadb-'),
    ],
  },
  {
    class: 'rust-standard-library-linux',
    file: /^libstd-[^/]{16}\.so$/,
    product: RUST,
    // clang LLVM (rustc version 1.48.0 (7eac88abb 2020-11-16))
    patterns: [p(String.raw`(?m)(\x00)clang LLVM \(rustc version (?P<version>[0-9]+(\.[0-9]+)?(\.[0-9]+)) \(\w+ \d{4}\-\d{2}\-\d{2}\)`, 'clang LLVM (rustc version ')],
  },
  {
    class: 'rust-standard-library-macos',
    file: /^libstd-[^/]{16}\.dylib$/,
    product: RUST,
    // c 1.48.0 (7eac88abb 2020-11-16)
    patterns: [p(String.raw`(?m)c (?P<version>[0-9]+(\.[0-9]+)?(\.[0-9]+)) \(\w+ \d{4}\-\d{2}\-\d{2}\)`)],
  },
  {
    class: 'ruby-binary',
    file: /^ruby$/,
    product: product('ruby', [['ruby-lang', 'ruby']]),
    // ruby 3.4.0dev (2024-09-15T01:06:11Z master 532af89e3b) [x86_64-linux]; ruby 2.7.7p221 (...)
    patterns: [p(String.raw`(?m)ruby (?P<version>${V3}((p|preview|rc|dev)[0-9]*)?) `, 'ruby ')],
  },
  {
    // syft reaches libruby through the `ruby` launcher's shared-library lookup; custody reads the library itself
    class: 'ruby-binary',
    file: /^libruby\.so/,
    product: product('ruby', [['ruby-lang', 'ruby']]),
    patterns: [p(String.raw`(?m)ruby (?P<version>${V3}((p|preview|rc|dev)[0-9]*)?) `, 'ruby ')],
  },
  { class: 'erlang-binary', file: /^erlexec$/, product: ERLANG, patterns: erlangSource },
  {
    class: 'erlang-alpine-binary',
    file: /^beam\.smp$/,
    product: ERLANG,
    patterns: [
      ...erlangSource,
      // [NUL][NUL]26.1.2[NUL]...[NUL]Erlang/OTP
      p(String.raw`\x00+(?P<version>${OTP_V})\x00+Erlang/OTP`, '\0Erlang/OTP'),
      // Erlang/OTP 17%s [erts-6.4.1.6] ... [kernel-poll:%s][NUL]17.5.6.9[NUL]
      p(String.raw`(?s)Erlang/OTP.{1,150}\x00+(?P<version>${OTP_V})\x00+`, 'Erlang/OTP'),
    ],
  },
  { class: 'erlang-library', file: /^liberts_internal\.a$/, product: ERLANG, patterns: erlangSource },
  {
    class: 'swipl-binary',
    file: /^swipl$/,
    // syft gives SWI-Prolog Erlang's CPE (sic); kept so grype matches as it does for syft
    product: product('swipl', [['erlang', 'erlang/otp']]),
    patterns: [p(String.raw`(?m)swipl-(?P<version>${V3})\/`, 'swipl-')],
  },
  {
    class: 'dart-binary',
    file: /^dart$/,
    product: product('dart', [['dart', 'dart_software_development_kit']]),
    // MathAtan[NUL]2.12.4 (stable); Dart,GC"[NUL]3.6.0-216.1.beta (beta)
    patterns: [p(String.raw`(?m)\x00(?P<version>${V3}(-[0-9]+(\.[0-9]+)?\.beta)?) `)],
  },
  {
    class: 'deno-binary',
    file: /^deno$/,
    product: product('deno', [['deno', 'deno']]),
    patterns: [
      p(String.raw`Deno/(?P<version>${V3})(Deno/|cli/)`, 'Deno/'),
      p(String.raw`Deno/(?P<version>${V3})`, 'Deno/'),
      p(String.raw`deno-canary/[0-9a-z]{40}(?P<version>${V3})`, 'deno-canary/'),
      p(String.raw`deno-[0-9a-z]{40}release/v(?P<version>${V3})`, 'release/v'),
      p(String.raw`deno-[0-9a-z]{40}(?P<version>${V3})`, 'deno-'),
      p(String.raw`(?P<version>${V3})[0-9a-z]{40}DENO`, 'DENO'),
    ],
  },
  {
    class: 'bun-binary',
    file: /^bun$/,
    product: product('bun', [['oven-sh', 'bun']]),
    patterns: [p(String.raw`(?m)[Bb]un v?(?P<version>${V3})`, 'un '), p(String.raw`(?m)bun-(?P<version>${V3})`, 'bun-')],
  },
  {
    class: 'haskell-ghc-binary',
    file: /^ghc/,
    product: product('haskell/ghc', [['haskell', 'ghc']], { type: 'generic', namespace: 'haskell', name: 'ghc' }),
    patterns: [
      p(String.raw`(?m)\x00GHC (?P<version>${V3})\x00`, '\0GHC '),
      // [NUL]libHSghc-8.10.4-ghc8.10.4.so[NUL]
      p(String.raw`\x00libHSghc\-(?P<version>${V3})\-([a-zA-Z0-9]+\-)?ghc[0-9]+\.[0-9]+\.[0-9]+\.so\x00`, '\0libHSghc-'),
    ],
  },
  {
    class: 'haskell-cabal-binary',
    file: /^cabal$/,
    product: product('haskell/cabal', [['haskell', 'cabal']], { type: 'generic', namespace: 'haskell', name: 'cabal' }),
    patterns: [
      p(String.raw`(?m)\x00Cabal-(?P<version>${V3}(\.[0-9]+)?)-`, '\0Cabal-'),
      p(String.raw`\x00.{0,50}cabal\-install\-(?P<version>${V3}(\.[0-9]+)?)\-[a-zA-Z0-9]+\x00+`, 'cabal-install-'),
    ],
  },
  {
    class: 'haskell-stack-binary',
    file: /^stack$/,
    product: product('haskell/stack', [['haskell', 'stack']], { type: 'generic', namespace: 'haskell', name: 'stack' }),
    patterns: [p(String.raw`(?m)Version\s*(?P<version>${V3}),\s*Git`, 'Version')],
  },
  {
    class: 'consul-binary',
    file: /^consul$/,
    product: product('consul', [['hashicorp', 'consul']], { type: 'golang', namespace: 'github.com/hashicorp', name: 'consul' }),
    patterns: [
      p(String.raw`CONSUL_VERSION: (?P<version>\d+\.\d+\.\d+)`, 'CONSUL_VERSION: '),
      p(String.raw`GitDescribe=(?P<version>\d+\.\d+\.\d+)\"`, 'GitDescribe='),
      p(String.raw`\x00+v(?P<version>\d+\.\d+\.\d+)\x00+`, '\0v'),
    ],
  },
  {
    class: 'hashicorp-vault-binary',
    file: /^vault$/,
    product: product('github.com/hashicorp/vault', [['hashicorp', 'vault']], { type: 'golang', namespace: 'github.com/hashicorp', name: 'vault' }),
    patterns: [
      p(String.raw`(?m)revoke(?P<version>${V3})`, 'revoke'),
      p(String.raw`state(?P<version>[0-9]+\.[0-9]+\.[0-9]+\-rc[0-9])`, 'state'),
      p(String.raw`016x(?P<version>1.1[1,3,4].[0-9]{1,2})`, '016x'),
      p(String.raw`\x00+(?P<version>1\.[0-9][0,1]?\.[0-9]+)\x00+`, '\x001.'),
    ],
  },
  {
    class: 'bash-binary',
    file: /^bash$/,
    product: product('bash', [['gnu', 'bash']]),
    // @(#)Bash version 5.2.15(1) release GNU
    patterns: [p(String.raw`(?m)@\(#\)Bash version (?P<version>${V3})\([0-9]\) [a-z0-9]+ GNU`, '@(#)Bash version ')],
  },
  {
    class: 'openldap-search-binary',
    file: /^ldapsearch$/,
    product: product('openldap', [['openldap', 'openldap']]),
    patterns: [p(String.raw`\$OpenLDAP:\sldapsearch\s(?P<version>${V3})`, '$OpenLDAP:')],
  },
  {
    class: 'qt-qtbase-lib',
    file: /^libQt.*Core\.so/,
    product: product('qtbase', [['qt', 'qt'], ['qt', 'qtbase']]),
    patterns: [p(String.raw`\x00\x00Qt (?P<version>${V3}) \(`, '\0\0Qt '), p(String.raw`QtCore library version (?P<version>${V3})`, 'QtCore library version ')],
  },
  {
    class: 'gcc-binary',
    file: /^gcc$/,
    product: product('gcc', [['gnu', 'gcc']]),
    patterns: [p(String.raw`GCC: \(GNU\) (?P<version>${V3})`, 'GCC: (GNU) ')],
  },
  {
    class: 'fluent-bit-binary',
    file: /^fluent-bit$/,
    product: product('fluent-bit', [['treasuredata', 'fluent_bit']], { type: 'github', namespace: 'fluent', name: 'fluent-bit' }),
    // [NUL]3.0.2[NUL]%sFluent Bit; [NUL][NUL]1.3.10[NUL][NUL]Fluent Bit v%s
    patterns: [p(String.raw`\x00(\x00)?(?P<version>${V3})\x00(\x1b\[1m\x00|\x00|\x00\x00)?(%s)?Fluent`, 'Fluent')],
  },
  {
    class: 'wordpress-cli-binary',
    file: /^wp$/,
    product: product('wp-cli', [['wp-cli', 'wp-cli']]),
    patterns: [p(String.raw`(?m)wp-cli/wp-cli (?P<version>${V3})`, 'wp-cli/wp-cli ')],
  },
  {
    class: 'lighttpd-binary',
    file: /^lighttpd$/,
    product: product('lighttpd', [['lighttpd', 'lighttpd']]),
    patterns: [p(String.raw`\x00lighttpd/(?P<version>${V3})\x00`, '\0lighttpd/')],
  },
  {
    class: 'proftpd-binary',
    file: /^proftpd$/,
    product: product('proftpd', [['proftpd', 'proftpd']]),
    patterns: [p(String.raw`\x00ProFTPD Version (?P<version>${V3}[a-z]?)\x00`, '\0ProFTPD Version ')],
  },
  {
    class: 'zstd-binary',
    file: /^zstd$/,
    product: product('zstd', [['facebook', 'zstandard']]),
    patterns: [p(String.raw`\x00v(?P<version>${V3})\x00`, '\0v')],
  },
  {
    class: 'xz-binary',
    file: /^xz$/,
    product: product('xz', [['tukaani', 'xz']]),
    patterns: [p(String.raw`\x00xz \(XZ Utils\) (?P<version>${V3})\x00`, '\0xz (XZ Utils) ')],
  },
  {
    class: 'gzip-binary',
    file: /^gzip$/,
    product: product('gzip', [['gnu', 'gzip']]),
    // GNU gzip's bare NUL-delimited version counts only in a file that also holds gzip's own message
    patterns: [p(String.raw`\x00(?P<version>[0-9]+\.[0-9]+)\x00`, undefined, { requires: '%s: %s: not in gzip format' })],
  },
  {
    class: 'sqlcipher-binary',
    file: /^sqlcipher$/,
    product: product('sqlcipher', [['zetetic', 'sqlcipher']]),
    patterns: [p(String.raw`[^0-9]\x00(?P<version>${V3})\x00`)],
  },
  {
    class: 'jq-binary',
    file: /^jq$/,
    product: product('jq', [['jqlang', 'jq']]),
    patterns: [p(String.raw`\x00(?P<version>[0-9]{1,3}\.[0-9]{1,3}(\.[0-9]+)?)\x00`)],
  },
  {
    class: 'chrome-binary',
    file: /^chrome$/,
    product: product('chrome', [['google', 'chrome']]),
    // [NUL]127.0.6533.119[NUL]Default
    patterns: [p(String.raw`\x00(?P<version>[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)\x00Default`, '\0Default')],
  },
  {
    class: 'ffmpeg-binary',
    file: /^ffmpeg$/,
    product: FFMPEG,
    patterns: [p(String.raw`(?m)%s version (?P<version>[0-9]+\.[0-9]+(\.[0-9]+)?)`, '%s version ')],
  },
  {
    class: 'ffmpeg-library',
    file: /^(?:libav|libswresample)/,
    product: FFMPEG,
    patterns: [
      p(String.raw`(?m)FFmpeg version (?P<version>[0-9]+\.[0-9]+(\.[0-9]+)?)`, 'FFmpeg version '),
      p(String.raw`(?m)Lavc(?P<version>${V3})`, 'Lavc'),
      p(String.raw`(?m)Lavf(?P<version>${V3})`, 'Lavf'),
    ],
  },
  {
    class: 'elixir-binary',
    file: /^elixir$/,
    product: product('elixir', [['elixir-lang', 'elixir']]),
    patterns: [p(String.raw`(?m)ELIXIR_VERSION=(?P<version>${V3}(?:-[a-z0-9]+(?:\.[0-9]+)?)?)`, 'ELIXIR_VERSION=')],
  },
  { class: 'istio-binary', file: /^pilot-discovery$/, product: product('pilot-discovery', [['istio', 'istio']], ISTIO_PURL), patterns: istioPatterns },
  { class: 'istio-binary', file: /^pilot-agent$/, product: product('pilot-agent', [['istio', 'istio']], ISTIO_PURL), patterns: istioPatterns },
  {
    class: 'grafana-binary',
    file: /^grafana$/,
    product: GRAFANA,
    patterns: [
      p(String.raw`\x00+(?P<version>[0-9]{2}\.[0-9]+\.[0-9]+\-[0-9]{6,})\x00+`),
      p(String.raw`\x00+release-(?P<version>[0-9]{2}\.[0-9]+\.[0-9]+(-beta[0-9]|-test|-preview)?)(\+security-[0-9]+)?\x00+`, '\0release-'),
      p(String.raw`(?s)\x00+go1\.[0-9]+\.[0-9]+\x00+(?P<version>[0-9]{2}\.[0-9]+\.[0-9]+(-beta[0-9]|-test|-preview)?)(\+security-[0-9]+)?\x00+.{1,500}\+DT`, '\0go1.', { reach: 700 }),
      p(String.raw`(?P<version>[0-9]{2}\.[0-9]+\.[0-9]+(-beta[0-9]|-test|-preview)?)(\+security-[0-9]+)?\x00+\$a`, '$a'),
      p(String.raw`\x00.(?P<version>10\.[0-9]+\.[0-9]+(-beta[0-9]|-test|-preview)?)(\+security-[0-9]+)?\x00`, '10.'),
      p(String.raw`(?s)(?P<version>[0-9]{2}\.[0-9]+\.[0-9]+(-beta[0-9]|-test|-preview)?)(\+security-[0-9]+)?\x00+.{1,100}\x00go1\.[0-9]+\.[0-9]+\x00.{1,100}\+DT`, '\0go1.'),
      p(String.raw`(?P<version>[0-9]+\.[0-9]+\.[0-9]+(-beta[0-9]|-test|-preview)?)(\+security-[0-9]+)?\x00+v[0-9]+\.[0-9]+\.x\x00+`, '.x\0'),
      p(String.raw`HEAD\x00+.*\x00+(?P<version>[0-9]\.[0-9]+\.[0-9]+(-beta[0-9]|-test|-preview)?)(\+security-[0-9]+)?\x00+`, 'HEAD\0', { reach: 1024 }),
      p(String.raw`[a-z0-9]+\x00+(?P<version>[0-9]\.[0-9]+\.[0-9]+(-beta[0-9]|-test|-preview)?)(\+security-[0-9]+)?\x00+\/usr\/local\/go`, '/usr/local/go'),
    ],
  },
  {
    class: 'grafana-binary',
    file: /^grafana-server$/,
    product: GRAFANA,
    patterns: [
      p(String.raw`[a-z0-9]+\x00+(?P<version>[0-9]\.[0-9]+\.[0-9]+(-beta[0-9]|-test)?)\x00+\/usr\/local\/go`, '/usr/local/go'),
      p(String.raw`HEAD\x00+.*\x00+(?P<version>[0-9]\.[0-9]+\.[0-9]+(-beta[0-9]|-test)?)\x00+`, 'HEAD\0', { reach: 1024 }),
      p(String.raw`(?s)\x00+(?P<version>[0-9]\.[0-9]+\.[0-9]+(-beta[0-9]|-test)?)\x00+.*\x00+.{1,1000}\x00+\/u`, '\0/u', { reach: 2048 }),
    ],
  },
  {
    class: 'envoy-binary',
    file: /^envoy$/,
    product: product('envoy', [['envoyproxy', 'envoy']]),
    patterns: [
      p(String.raw`(?s)\x00${ENVOY_V('1\\.3[0-9]')}\x00.{0,1000}envoy_reloadable_features`, 'envoy_reloadable_features', { reach: 1100 }),
      p(String.raw`(?s)\x00(?P<version>1\.34\.5)\x00.{0,200}envoy\.reloadable_features`, 'envoy.reloadable_features'),
      p(String.raw`(?s)envoy_quic_.{0,1000}\x00${ENVOY_V('1\\.2[0-9]')}\x00`, 'envoy_quic_', { reach: 1100 }),
      p(String.raw`(?s)\x00${ENVOY_V('1\\.[12][0-9]')}\x00.{0,1000}Unable to`, 'Unable to', { reach: 1100 }),
      p(String.raw`(?s)\x00${ENVOY_V('1\\.2[0-9]')}\x00.{0,580}ValidationError`, 'ValidationError', { reach: 700 }),
      p(String.raw`(?s)\x00${ENVOY_V('1\\.1[0-9]')}\x00.{0,1000}ValidationError`, 'ValidationError', { reach: 1100 }),
      p(String.raw`(?s)\[source/.{0,200}\x00${ENVOY_V('1\\.1[0-9]')}\x00`, '[source/'),
      p(String.raw`(?s)\x00${ENVOY_V('1\\.[0-9]')}\x00.{0,20}RELEASE`, 'RELEASE'),
      p(String.raw`(?s)\x00${ENVOY_V('1\\.3[0-9]')}\x00envoy[/._:]`, '\0envoy'),
      p(String.raw`(?s)\x00${ENVOY_V('1\\.3[0-9]')}\x00.{0,200}envoy[./]`, 'envoy'),
      p(String.raw`(?s)\x00${ENVOY_V('1\\.3[0-9]')}\x00.{0,1000}envoy_quic`, 'envoy_quic', { reach: 1100 }),
      p(String.raw`(?s)\x00${ENVOY_V('1\\.3[0-9]')}\x00TLS `, '\0TLS '),
      p(String.raw`(?s)\x00${ENVOY_V('1\\.2[0-9]')}\x00envoy[/._]`, '\0envoy'),
      p(String.raw`(?s)\x00${ENVOY_V('1\\.2[0-9]')}\x00.{0,500}envoy\.`, 'envoy.', { reach: 600 }),
      p(String.raw`(?s)\x00${ENVOY_V('1\\.2[0-9]')}\x00.{0,300}envoy_`, 'envoy_', { reach: 400 }),
    ],
  },
  {
    class: 'mongodb-binary',
    file: /^mongod$/,
    product: product('mongodb', [['mongodb', 'mongodb']]),
    patterns: [
      p(String.raw`(?P<version>${V3})\x00tcmalloc`, '\0tcmalloc'),
      p(String.raw`(?P<version>${V3})\x00+heap_size`, '\0heap_size'),
      p(String.raw`(?P<version>${V3})\x00+cppdefines`, '\0cppdefines'),
    ],
  },
  {
    class: 'ingress-nginx-binary',
    file: /^nginx-ingress-controller$/,
    product: product('nginx-ingress-controller', [['kubernetes', 'ingress-nginx']]),
    patterns: [
      p(String.raw`v(?P<version>${V3}(\-(alpha|beta)\.[0-9]+)?)\x00\x00`),
      p(String.raw`v(?P<version>${V3})\x00+.{0,50}go[0-9]+\.[0-9]+(\-(alpha|beta)\.[0-9])?\.[0-9]+\x00+`),
      p(String.raw`v(?P<version>${V3}(\-(alpha|beta)\.[0-9])?)\x00+.{0,800}\$a.{0,10}\x00+`, '$a', { reach: 900 }),
      p(String.raw`\x00+v?(?P<version>${V3}(\-(alpha|beta)\.[0-9])?)\x00+.{0,100}S=v<y5`, 'S=v<y5'),
      p(String.raw`\x00+go[0-9]+\.[0-9]+\.[0-9]+\x00+v(?P<version>${V3}(\-(alpha|beta)\.[0-9])?)\x00+`, '\0go'),
      p(String.raw`\x00+v(?P<version>[0-9]+\.[0-9]+\.[0-9]+\-(alpha|beta)\.[0-9])\x00+`, '\0v'),
    ],
  },
  beat('filebeat'),
  beat('metricbeat'),
  beat('heartbeat'),
  beat('packetbeat'),
  beat('auditbeat'),
  {
    class: 'elastic-agent-binary',
    file: /^elastic-agent$/,
    product: product('elastic-agent', [['elastic', 'elastic_agent']]),
    patterns: [p(String.raw`enroll(?:: true)?(?P<version>${V3})-?header`, 'enroll'), p(String.raw`PM(?P<version>${V3}):https`, ':https')],
  },
  {
    class: 'krb5-library',
    file: /^libkrb5\.so/,
    product: product('krb5', [['mit', 'kerberos_5']]),
    // [NUL]KRB5_BRAND: krb5-1.18.4-final 1.18.4 20210722
    patterns: [p(String.raw`\x00KRB5_BRAND:\s+krb5-[^\s]+\s+(?P<version>[0-9]+(?:\.[0-9]+){1,2})(?:\s|$)`, '\0KRB5_BRAND:')],
  },
  {
    class: 'heimdal-krb5-library',
    file: /^libkrb5\.so/,
    product: product('heimdal-krb5', [['heimdal_project', 'heimdal']]),
    // $Version: Heimdal 7.5.0
    patterns: [p(String.raw`(?m)\$Version:\s+Heimdal\s+(?P<version>[0-9]+(?:\.[0-9]+){1,2})(?:\s|$)`, 'Heimdal')],
  },
];
