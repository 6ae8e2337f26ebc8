/**
 * SARIF 2.1.0 for `custody scan -o sarif`: one rule per advisory, one result per finding; suppressed
 * findings are kept with `suppressions` (GitHub code scanning hides them). `security-severity` follows
 * GitHub's convention (numeric CVSS-like score as a string).
 */
import { describeIncomplete, type Incomplete } from '../core/incomplete.js';
import { incompleteJson } from './incomplete.js';
import type { Finding, GatedScan, Severity, Suppression } from '../vuln/model.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  negligible: 'note',
  unknown: 'note',
};

/** Representative score when the severity came from a vendor label (GitHub buckets: ≥9 critical, ≥7 high, ≥4 medium). */
const LABEL_SCORE: Partial<Record<Severity, number>> = { critical: 9.5, high: 8.0, medium: 5.5, low: 2.0, negligible: 0.1 };

function securitySeverity(f: Finding): string | undefined {
  const s = f.severity.score ?? LABEL_SCORE[f.severity.level];
  return s === undefined ? undefined : s.toFixed(1);
}

/**
 * Where a finding is: each file the package was found at, inside the scanned image or directory, relative to
 * its root (`uriBaseId` IMAGE_ROOT) and spelled as custody spells it: a nested archive keeps its `!/`
 * ('opt/app/app.war!/WEB-INF/lib/log4j-core-2.19.0.jar'). A package without a location points at the scanned
 * target itself (the SBOM file or the image reference).
 */
function physicalLocations(f: Finding, target: string): Record<string, unknown>[] {
  if (f.package.locations.length === 0) return [{ artifactLocation: { uri: encodeURI(target.replace(/^\/+/, '') || 'unknown') }, region: { startLine: 1 } }];
  return f.package.locations.map((loc, i) => {
    const layer = f.package.layers?.[i];
    return {
      artifactLocation: { uri: encodeURI(loc.replace(/^\/+/, '') || 'unknown'), uriBaseId: IMAGE_ROOT, ...(layer ? { properties: { layer } } : {}) },
      region: { startLine: 1 },
    };
  });
}

const IMAGE_ROOT = 'IMAGE_ROOT';

export interface SarifOptions {
  custodyVersion: string;
}

export function renderSarif(g: GatedScan, o: SarifOptions): string {
  const all: { finding: Finding; suppression?: Suppression }[] = [...g.findings.map((finding) => ({ finding })), ...g.suppressed];
  const ruleIds = [...new Set(all.map((x) => x.finding.id))].sort();
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  const rules = ruleIds.map((id) => {
    const f = all.find((x) => x.finding.id === id)!.finding;
    const sev = securitySeverity(f);
    const help = [
      `${id}${f.aliases.length ? ` (${f.aliases.join(', ')})` : ''}: ${f.title ?? 'vulnerability'}`,
      `Severity: ${f.severity.level}${f.severity.score !== undefined ? ` (CVSS ${f.severity.score})` : ''}`,
      f.fixedVersions.length ? `Fixed in: ${f.fixedVersions.join(', ')}` : 'No fix known',
      ...f.urls.slice(0, 5),
    ];
    return {
      id,
      name: id.replace(/[^A-Za-z0-9]/g, ''),
      shortDescription: { text: `${id} ${f.title ?? ''}`.trim().slice(0, 1000) },
      fullDescription: { text: (f.title ?? id).slice(0, 4000) },
      ...(f.urls[0] ? { helpUri: f.urls[0] } : {}),
      help: { text: help.join('\n'), markdown: help.map((l) => `- ${l}`).join('\n') },
      defaultConfiguration: { level: LEVEL[f.severity.level] },
      properties: {
        tags: ['security', 'vulnerability', f.severity.level],
        precision: 'very-high',
        ...(sev !== undefined ? { 'security-severity': sev } : {}),
      },
    };
  });
  const subject = g.scan.target.subject;
  const results = all.map(({ finding: f, suppression }) => {
    const fixed = f.fixedVersions.length ? ` Fixed in ${f.fixedVersions.join(', ')}.` : ' No fix known.';
    const result: Record<string, unknown> = {
      ruleId: f.id,
      ruleIndex: ruleIndex.get(f.id),
      level: LEVEL[f.severity.level],
      message: {
        // image → path → package@version, as a responder reads it.
        text: `${f.id} (${f.severity.level}) in ${[subject?.label, f.package.locations[0], `${f.package.name}@${f.package.version}`].filter((x) => x !== undefined && x !== '').join(' → ')}${f.package.locations.length > 1 ? ` (and ${f.package.locations.length - 1} more location(s))` : ''}${f.package.deleted ? ' (deleted by a later layer)' : ''}.${fixed}`,
      },
      locations: physicalLocations(f, g.scan.target.name).map((physicalLocation) => ({
        physicalLocation,
        ...(f.package.purl ? { logicalLocations: [{ name: f.package.name, fullyQualifiedName: f.package.purl, kind: 'module' }] } : {}),
      })),
      partialFingerprints: { 'custody/v1': f.key },
      properties: {
        package: f.package.name,
        version: f.package.version,
        ...(f.package.purl ? { purl: f.package.purl } : {}),
        fixedVersions: f.fixedVersions,
        fixState: f.fixState,
        engine: f.engine,
        aliases: f.aliases,
        ...(f.package.deleted ? { deleted: true } : {}),
        ...(subject ? { image: subject.label, ...(subject.digest ? { imageDigest: subject.digest } : {}) } : {}),
      },
    };
    if (suppression) {
      result.suppressions = [
        {
          kind: 'external',
          status: 'accepted',
          justification: `${suppression.by}: ${suppression.reason}${suppression.source ? ` (${suppression.source})` : ''}`,
        },
      ];
    }
    return result;
  });
  return sarifLog(
    { custodyVersion: o.custodyVersion, rules, extensions: g.scan.tools.map((t) => ({ name: t.name, version: t.version })) },
    {
      automationDetails: { id: `custody/scan/${g.scan.engine}/` },
      originalUriBaseIds: {
        [IMAGE_ROOT]: { uri: 'file:///', description: { text: `the root filesystem of ${subject ? `${subject.label}${subject.digest ? ` (${subject.digest})` : ''}` : g.scan.target.name}` } },
      },
      results,
      properties: {
        target: g.scan.target,
        gate: g.gate,
        counts: g.counts,
        ...(g.scan.vulnerabilityData !== undefined ? { vulnerabilityData: g.scan.vulnerabilityData } : {}),
        ...(g.scan.coverage !== undefined ? { coverage: g.scan.coverage } : {}),
        ...(g.scan.ownedPackages !== undefined ? { ownedPackages: g.scan.ownedPackages.length } : {}),
      },
      ...incompleteInvocation(g.scan.incomplete),
    },
  );
}

/**
 * What was not read, as SARIF `invocations[0].toolExecutionNotifications` (SARIF 2.1.0 §3.20.21): one
 * warning per input, so a code-scanning view shows that the run's answer is partial.
 */
export function incompleteInvocation(list: readonly Incomplete[] | undefined): { invocations?: unknown[] } {
  const items = incompleteJson(list);
  if (items.length === 0) return {};
  return {
    invocations: [
      {
        executionSuccessful: true,
        toolExecutionNotifications: items.map((i) => ({ level: 'warning', message: { text: `not read: ${describeIncomplete(i)}` }, properties: { incomplete: i } })),
      },
    ],
  };
}

/** The SARIF 2.1.0 envelope custody writes (one run, custody as the driver), shared by scan and audit. */
export function sarifLog(
  driver: { custodyVersion: string; rules: unknown[]; extensions?: unknown[] },
  run: { results: unknown[]; automationDetails?: unknown; originalUriBaseIds?: unknown; properties?: unknown; invocations?: unknown[] },
): string {
  const sarif = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: { name: 'custody', version: driver.custodyVersion, informationUri: 'https://github.com/custody/custody', rules: driver.rules },
          ...(driver.extensions ? { extensions: driver.extensions } : {}),
        },
        ...run,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
