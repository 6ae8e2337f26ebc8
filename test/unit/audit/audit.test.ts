import { describe, expect, it } from 'vitest';
import { auditImage, auditWorkloads, type AuditDeps, type CheckOutcome } from '../../../src/audit/audit.js';
import { parseManifests } from '../../../src/audit/k8s.js';
import { parsePolicy } from '../../../src/audit/policy.js';
import { collectingLogger } from '../../../src/core/log.js';
import { NetworkError } from '../../../src/core/errors.js';
import { parseImageRef } from '../../../src/source/image-ref.js';
import type { Package, Sbom } from '../../../src/sbom/model.js';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

function pkg(name: string, version: string, purl: string): Package {
  return { id: `${name}@${version}`, name, version, type: 'java-archive', purl, licenses: [], locations: [{ path: `/opt/${name}-${version}.jar` }], foundBy: ['java-archive-cataloger'] };
}

function fakeDeps(over: Partial<AuditDeps> = {}): AuditDeps & { calls: string[] } {
  const calls: string[] = [];
  const ok: CheckOutcome = { ok: true, detail: 'ok' };
  const sbom: Sbom = {
    subject: { kind: 'image', name: 'x' },
    packages: [pkg('log4j-core', '2.14.1', 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1')],
    relationships: [],
    tools: [],
  };
  return {
    calls,
    log: collectingLogger(),
    parseImage: (i) => parseImageRef(i),
    resolveDigest: async (p) => {
      calls.push(`resolve ${p.repository}:${p.tag}`);
      return p.tag === 'moved' ? D2 : D1;
    },
    verifySignature: async (pinned) => (calls.push(`sig ${pinned}`), ok),
    checkProvenance: async (pinned) => (calls.push(`prov ${pinned}`), ok),
    scan: async (pinned) => (calls.push(`scan ${pinned}`), ok),
    sbom: async (pinned) => (calls.push(`sbom ${pinned}`), { sbom, origin: 'generated' }),
    ...over,
  };
}

const GUIDE = parsePolicy(
  `images:
  requireDigest: true
  forbidLatest: true
`,
  'guide.yaml',
);

describe('audit: image rules (the guide Kyverno require-digest and Gatekeeper ban-latest policies)', () => {
  it('fails a tag-only image on requireDigest, :latest and tag-less on forbidLatest', async () => {
    const deps = fakeDeps();
    const latest = await auditImage('127.0.0.1:5000/app:latest', GUIDE, deps);
    expect(latest.ok).toBe(false);
    expect(latest.checks.map((c) => `${c.rule}:${c.status}`)).toEqual(['images.requireDigest:fail', 'images.forbidLatest:fail']);
    expect(latest.digest).toBe(D1);
    const bare = await auditImage('busybox', GUIDE, deps);
    expect(bare.checks.find((c) => c.rule === 'images.forbidLatest')?.detail).toContain('has no tag');
    const pinned = await auditImage(`127.0.0.1:5000/app@${D1}`, GUIDE, deps);
    expect(pinned.ok).toBe(true);
    expect(deps.calls.filter((c) => c.startsWith('resolve'))).toEqual(['resolve app:latest', 'resolve library/busybox:latest']);
  });

  it('reports drift when the tag next to a digest moved', async () => {
    const v = await auditImage(`127.0.0.1:5000/app:moved@${D1}`, GUIDE, fakeDeps());
    expect(v.drift).toEqual({ tag: 'moved', tagDigest: D2, pinnedDigest: D1 });
    expect(v.digest).toBe(D1);
  });

  it('allowedRegistries globs', async () => {
    const p = parsePolicy('images:\n  allowedRegistries: ["ghcr.io/myorg/*"]\n', 'p');
    expect((await auditImage(`ghcr.io/myorg/app@${D1}`, p, fakeDeps())).ok).toBe(true);
    const v = await auditImage(`docker.io/evil/app@${D1}`, p, fakeDeps());
    expect(v.ok).toBe(false);
    expect(v.checks[0]?.detail).toContain('docker.io/evil/app is not in allowedRegistries');
  });
});

describe('audit: delegated checks', () => {
  const full = parsePolicy(
    `signature:
  keys: [cosign.pub]
provenance:
  - images: ["ghcr.io/myorg/*"]
    keys: [cosign.pub]
vulnerabilities:
  failOn: high
sbom:
  forbid:
    - purl: pkg:maven/org.apache.logging.log4j/log4j-core
      version: '<2.17.1'
      reason: Log4Shell
`,
    'p',
  );

  it('runs each check on the pinned digest; provenance only for matching registries; forbidden packages fail with their location', async () => {
    const deps = fakeDeps();
    const v = await auditImage('127.0.0.1:5000/app:1.0', full, deps);
    expect(deps.calls).toEqual([
      'resolve app:1.0',
      `sig 127.0.0.1:5000/app@${D1}`,
      `scan 127.0.0.1:5000/app@${D1}`,
      `sbom 127.0.0.1:5000/app@${D1}`,
    ]);
    expect(v.ok).toBe(false);
    const forbid = v.checks.find((c) => c.rule === 'sbom.forbid[0]');
    expect(forbid?.status).toBe('fail');
    expect(forbid?.detail).toContain('/opt/log4j-core-2.14.1.jar → log4j-core@2.14.1');
    expect(forbid?.detail).toContain('Log4Shell');
    const mine = await auditImage(`ghcr.io/myorg/app@${D1}`, full, fakeDeps());
    expect(mine.checks.map((c) => c.rule)).toContain('provenance[0]');
  });

  it('a check that throws is a failed check naming the error (fail closed)', async () => {
    const v = await auditImage(
      `127.0.0.1:5000/app@${D1}`,
      full,
      fakeDeps({
        verifySignature: async () => {
          throw new NetworkError('SOURCE_REGISTRY_UNREACHABLE', 'cannot reach 127.0.0.1:5000');
        },
      }),
    );
    const sig = v.checks.find((c) => c.rule === 'signature');
    expect(sig).toEqual({ rule: 'signature', status: 'fail', detail: 'could not check [SOURCE_REGISTRY_UNREACHABLE]: cannot reach 127.0.0.1:5000', notChecked: true });
    // The verdict fails closed and says which check was not done (README "Completeness").
    expect(v.ok).toBe(false);
    expect(v.incomplete).toEqual([{ kind: 'image', path: `127.0.0.1:5000/app@${D1}`, reason: 'signature not checked: cannot reach 127.0.0.1:5000', by: 'signature' }]);
  });

  it('a failing delegated check fails the verdict', async () => {
    const v = await auditImage(`127.0.0.1:5000/app@${D1}`, full, fakeDeps({ scan: async () => ({ ok: false, detail: '3 critical findings' }) }));
    expect(v.checks.find((c) => c.rule === 'vulnerabilities')).toMatchObject({ status: 'fail', detail: '3 critical findings' });
  });
});

describe('audit: workloads', () => {
  it('checks each distinct image once, skips excluded namespaces, one verdict per workload', async () => {
    const manifests = parseManifests(
      JSON.stringify({
        kind: 'List',
        items: [
          ...Array.from({ length: 50 }, (_, i) => ({ kind: 'Pod', metadata: { name: `web-${i}`, namespace: 'shop' }, spec: { containers: [{ name: 'c', image: `127.0.0.1:5000/app@${D1}` }] } })),
          { kind: 'Pod', metadata: { name: 'bad', namespace: 'shop' }, spec: { containers: [{ name: 'c', image: '127.0.0.1:5000/app:latest' }] } },
          { kind: 'Pod', metadata: { name: 'sys', namespace: 'kube-system' }, spec: { containers: [{ name: 'c', image: 'k8s.gcr.io/pause:latest' }] } },
        ],
      }),
      '-',
    );
    const deps = fakeDeps();
    const r = await auditWorkloads(manifests, { policy: GUIDE, policyFile: 'guide.yaml', policyText: 'x', concurrency: 4 }, deps);
    expect(r.images).toHaveLength(2);
    expect(r.summary).toEqual({ images: 2, imagesFailed: 1, workloads: 51, workloadsFailed: 1, excluded: 1 });
    expect(r.ok).toBe(false);
    expect(r.workloads.find((w) => w.name === 'sys')).toMatchObject({ excluded: true, ok: true });
    expect(r.workloads.find((w) => w.name === 'bad')?.ok).toBe(false);
    expect(deps.calls.filter((c) => c.startsWith('resolve'))).toHaveLength(1);
  });
});
