/**
 * syft's Java launcher classifiers (anchore/syft syft/pkg/cataloger/binary/classifiers_java.go at
 * bf82010f), for `bin/java` and `bin/jdb` of a JVM that has no `release` file (that file, read by
 * jvm-release.ts, names the JVM better). Each is one of syft's branching matchers: the first branch
 * that matches decides the product (GraalVM, Azul Zulu, OpenJDK with a legacy update, OpenJDK, IBM,
 * ...), so each branch is a pattern with its own product and class here, in syft's order.
 *
 * Left out: the IBM branches' shared-library lookup (`libjli.so` holding `IBM_JAVA`); the path
 * (`/ibm/`) still identifies an IBM JVM.
 */
import type { ClassifierPattern } from './classifiers.js';
import { goRe, type SyftClassifier } from './classifiers-syft.js';
import type { RuntimeProduct } from './runtime-package.js';

const product = (name: string, namespace: string, cpe: [string, string]): RuntimeProduct => ({ name, cpes: [cpe], purl: { type: 'generic', namespace, name } });
const p = (pattern: string, anchor: string | undefined, extra: Omit<ClassifierPattern, 're' | 'anchor'>): ClassifierPattern => ({
  re: goRe(pattern),
  ...(anchor === undefined ? {} : { anchor }),
  ...extra,
});

/** `**\/*zulu*\/**` and `**\/ibm\/**`: a directory of the path says who built the JVM. */
const ZULU_PATH = /\/[^/]*zulu[^/]*\//;
const IBM_PATH = /\/ibm\//;

const GRAALVM = product('graalvm', 'oracle', ['oracle', 'graalvm']);
const ZULU = product('zulu', 'azul', ['azul', 'zulu']);
const OPENJDK = product('openjdk', 'oracle', ['oracle', 'openjdk']);
const JRE = product('jre', 'oracle', ['oracle', 'jre']);

/** syft's `oracle:openjdk:{{.primary}}:update{{.update}}` for a legacy `1.8.0_352-b08`. */
const withUpdate = (g: Record<string, string>): [string, string] => [g.primary ?? '', `update${g.update ?? ''}`];

const GRAAL = String.raw`(?m)\x00(?P<version>[0-9]+[.0-9]+[.0-9]+\+[0-9]+-jvmci-[0-9]+[.0-9]+-b[0-9]+)\x00`;

export const JAVA_CLASSIFIERS: readonly SyftClassifier[] = [
  {
    class: 'java-binary',
    file: /^java$/,
    product: JRE,
    patterns: [
      p(GRAAL, '-jvmci-', { product: GRAALVM, class: 'java-binary-graalvm' }),
      p(String.raw`(?m)\x00java\x00(?P<release>[0-9]+[.0-9]*)\x00(?P<version>[0-9]+[^\x00]+)\x00`, '\0java\0', { product: ZULU, class: 'java-binary-openjdk-zulu', path: ZULU_PATH }),
      p(String.raw`(?m)\x00(?P<release>[0-9]+[.0-9]*)\x00+(?P<version>[0-9]+[^\x00]+)\x00+(openjdk|java)`, undefined, { product: ZULU, class: 'java-binary-openjdk-zulu', path: ZULU_PATH }),
      p(String.raw`(?m)java\x00(?P<release>[0-9]+[.0-9]*)\x00(?P<version>(?<primary>[0-9]+[^\x00]+)_(?<update>[^\x00]+)-[^\x00]+)\x00`, 'java\0', {
        product: OPENJDK,
        class: 'java-binary-openjdk-with-update',
        requires: 'openjdk',
        cpeVersion: withUpdate,
      }),
      p(String.raw`(?m)\x00(?P<release>[0-9]+[.0-9]*)\x00+(?P<version>(?<primary>[0-9]+[^\x00]+)_(?<update>[^\x00]+)-[^\x00]+)\x00+openjdk\x00java`, '\0openjdk\0java', {
        product: OPENJDK,
        class: 'java-binary-openjdk-with-update',
        requires: 'openjdk',
        cpeVersion: withUpdate,
      }),
      p(String.raw`(?m)\x00openjdk\x00java\x00(?P<release>[0-9]+[.0-9]*)\x00(?P<version>[0-9]+[^\x00]+)\x00`, '\0openjdk\0java\0', { product: OPENJDK, class: 'java-binary-openjdk' }),
      p(String.raw`(?m)\x00(?P<release>[0-9]+[.0-9]*)\x00+(?P<version>[0-9]+[^\x00]+)\x00+openjdk\x00java`, '\0openjdk\0java', { product: OPENJDK, class: 'java-binary-openjdk' }),
      p(String.raw`(?m)\x00java\x00+(?P<release>[0-9]+[.0-9]+)\x00+(?P<version>[0-9]+[-._a-zA-Z0-9]+)\x00`, '\0java\0', {
        product: product('java', 'ibm', ['ibm', 'java']),
        class: 'java-binary-ibm',
        path: IBM_PATH,
      }),
      p(String.raw`(?m)\x00(?P<version>[0-9]+[.0-9]+[+][-0-9]+)\x00`, '+', { product: JRE, class: 'java-binary-openjdk-fallthrough', requires: 'openjdk' }),
      p(String.raw`(?m)\x00(?P<version>[0-9]+\.[0-9]+\.[-._+a-zA-Z0-9]+)\x00`, undefined, { product: JRE, class: 'java-binary-oracle' }),
    ],
  },
  {
    class: 'java-jdb-binary',
    file: /^jdb$/,
    product: product('jdk', 'oracle', ['oracle', 'jdk']),
    patterns: [
      p(GRAAL, '-jvmci-', { product: product('graalvm', 'oracle', ['oracle', 'graalvm_for_jdk']), class: 'java-binary-graalvm' }),
      p(String.raw`(?m)(java|jdb)\x00(?P<release>[0-9]+[.0-9]*)\x00(?P<version>[0-9]+[^\x00]+)\x00`, undefined, { product: ZULU, class: 'jdb-binary-openjdk-zulu', path: ZULU_PATH }),
      p(String.raw`(?m)\x00(?P<release>[0-9]+[.0-9]*)\x00+(?P<version>[0-9]+[^\x00]+)\x00+(java|jdb)`, undefined, { product: ZULU, class: 'jdb-binary-openjdk-zulu', path: ZULU_PATH }),
      // syft's MatchAll of two patterns: the second gives the version, the first must match too
      p(String.raw`(?m)\x00(?P<release>[0-9]+[.0-9]*)\x00+(?P<version>[0-9]+[^\x00]+)\x00+openjdk\x00java`, '\0openjdk\0java', {
        product: OPENJDK,
        class: 'java-jdb-binary-openjdk',
        requires: goRe(String.raw`(?m)\x00openjdk\x00java\x00(?P<release>[0-9]+[.0-9]*)\x00(?P<version>[0-9]+[^\x00]+)\x00`),
      }),
      p(String.raw`(?m)\x00java\x00.+?\x00(?P<version>[0-9]+[-._a-zA-Z0-9]+)\x00`, '\0java\0', {
        product: product('java_sdk', 'ibm', ['ibm', 'java_sdk']),
        class: 'java-sdk-binary-ibm',
        path: IBM_PATH,
      }),
      p(String.raw`(?m)\x00(?P<version>[0-9]+\.[0-9]+\.[0-9]+(\+[0-9]+)?([-._a-zA-Z0-9]+)?)\x00`, undefined, { product: OPENJDK, class: 'java-binary-openjdk-fallthrough', requires: 'openjdk' }),
      p(String.raw`(?m)\x00(?P<version>[0-9]+\.[0-9]+\.[0-9]+(\+[0-9]+)?([-._a-zA-Z0-9]+)?)\x00`, undefined, { class: 'java-binary-jdk' }),
    ],
  },
];
