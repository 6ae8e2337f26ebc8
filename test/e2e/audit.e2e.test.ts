// `custody audit` through the built CLI without a registry or ../shared: usage errors (exit 2), bad
// policies and unreadable manifests (exit 3), an unreachable registry (exit 5), and the image rules
// that need no network (digest-pinned images only: a digest is never resolved).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBuilt } from '../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'custody-audit-e2e-'));
const w = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const D = `sha256:${'ab'.repeat(32)}`;
let closedPort = 0;

beforeAll(async () => {
  // A port that was just free and is now closed: connections are refused.
  closedPort = await new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
});

describe('custody audit: usage errors exit 2', () => {
  it('no target', async () => {
    const p = w('ok.yaml', 'images: {requireDigest: true}\n');
    const r = await runBuilt(['audit', '--policy', p]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('[AUDIT_NO_TARGET]');
    expect(r.stderr).toContain('nothing to audit');
  });

  it('missing --policy, for images and for k8s', async () => {
    const r = await runBuilt(['audit', `127.0.0.1:${closedPort}/app@${D}`]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("required option '--policy <file>' not specified");
    const m = w('pod-nopolicy.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c, image: "x/y@' + D + '"}]}\n');
    const k = await runBuilt(['audit', 'k8s', m]);
    expect(k.code).toBe(2);
    expect(k.stdout).toBe('');
    expect(k.stderr).toContain('[AUDIT_NO_POLICY]');
  });

  it.each(['0', 'x', '65', '1.5'])('--concurrency %s', async (n) => {
    const p = w('ok2.yaml', 'images: {requireDigest: true}\n');
    const r = await runBuilt(['audit', `127.0.0.1:${closedPort}/app@${D}`, '--policy', p, '--concurrency', n]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('[AUDIT_BAD_CONCURRENCY]');
    expect(r.stderr).toContain(`not ${n}`);
  });

  it('an unknown output format', async () => {
    const p = w('ok3.yaml', 'images: {requireDigest: true}\n');
    const r = await runBuilt(['audit', `x/y@${D}`, '--policy', p, '-o', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("'xml' is invalid");
  });
});

describe('custody audit: bad policy or manifest exit 3', () => {
  it.each([
    ['unknown top-level key', 'image:\n  requireDigest: true\n', "unknown key 'image'"],
    ['unknown nested key', 'images:\n  requireDigests: true\n', "images: unknown key 'requireDigests'"],
    ['wrong type', 'images:\n  requireDigest: "yes"\n', 'images.requireDigest: must be true or false'],
    ['bad failOn', 'vulnerabilities:\n  failOn: severe\n', 'vulnerabilities.failOn: must be one of none, low, medium, high, critical'],
    ['signature without signer', 'signature: {}\n', 'signature: needs at least one entry in identities or keys'],
    ['provenance without signer', 'provenance:\n  - buildType: x\n', 'provenance[0]: needs identities or keys'],
    ['bad regexp', 'signature:\n  identities:\n    - {issuer: x, identityRegexp: "("}\n', 'signature.identities[0].identityRegexp: is not a valid regular expression'],
    ['invalid YAML', 'images: [\n', 'is not valid YAML'],
    ['empty', '', 'is empty'],
  ])('%s', async (_name, text, message) => {
    const p = w(`bad-${_name.replace(/\W/g, '-')}.yaml`, text);
    const r = await runBuilt(['audit', `127.0.0.1:${closedPort}/app@${D}`, '--policy', p]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('[AUDIT_POLICY_INVALID]');
    expect(r.stderr).toContain(`policy ${p}`);
    expect(r.stderr).toContain(message);
  });

  it('a missing policy file', async () => {
    const r = await runBuilt(['audit', `x/y@${D}`, '--policy', join(dir, 'nope.yaml')]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`cannot read policy ${join(dir, 'nope.yaml')}`);
  });

  it('a missing manifest path and an unparseable manifest', async () => {
    const p = w('ok4.yaml', 'images: {requireDigest: true}\n');
    const missing = await runBuilt(['audit', 'k8s', join(dir, 'absent.yaml'), '--policy', p]);
    expect(missing.code).toBe(3);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain(`error [AUDIT_INPUT_NOT_FOUND]: cannot read manifest path ${join(dir, 'absent.yaml')}: no such file or directory`);
    // An unparseable manifest is incomplete input: the report says what was not read, never "passed".
    const broken = w('broken.yaml', 'apiVersion: v1\nkind: Pod\nspec: {containers: [\n');
    const b = await runBuilt(['audit', 'k8s', broken, '--policy', p]);
    expect(b.code).toBe(3);
    expect(b.stdout).not.toMatch(/audit passed/);
    expect(b.stdout).toMatch(/^audit incomplete \(1 not read or not checked\): 0\/0 images pass/m);
    expect(b.stderr).toMatch(new RegExp(`^incomplete: 1 input not read: manifest ${broken.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not valid YAML or JSON`, 'm'));
  });

  it('garbage on stdin', async () => {
    const p = w('ok5.yaml', 'images: {requireDigest: true}\n');
    const r = await runBuilt(['audit', 'k8s', '-', '--policy', p, '-o', 'json'], { stdin: '{"kind": "List", "items": [' });
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout) as { ok: boolean; incomplete: { kind: string; path: string; reason: string }[] };
    expect(doc.ok).toBe(true);
    expect(doc.incomplete).toEqual([{ kind: 'manifest', path: '-', reason: expect.stringMatching(/^not valid YAML or JSON/) }]);
    expect(r.stderr).toMatch(/^incomplete: 1 input not read: manifest -: not valid YAML or JSON/m);
  });
});

describe('custody audit: an unreachable registry exits 5 naming it', () => {
  it('an image by tag on a closed port', async () => {
    const p = w('ok6.yaml', 'images: {forbidLatest: true}\n');
    const r = await runBuilt(['audit', `127.0.0.1:${closedPort}/team/app:1.0`, '--policy', p, '--plain-http']);
    expect(r.code).toBe(5);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`127.0.0.1:${closedPort}`);
  });

  it('a manifest whose image lives on a closed port', async () => {
    const p = w('ok7.yaml', 'images: {forbidLatest: true}\n');
    const m = w('down.yaml', `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: prod}\nspec:\n  template:\n    spec:\n      containers:\n        - {name: api, image: "127.0.0.1:${closedPort}/team/api:2.0"}\n`);
    const r = await runBuilt(['audit', 'k8s', m, '--policy', p, '--plain-http']);
    expect(r.code).toBe(5);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`127.0.0.1:${closedPort}`);
  });
});

describe('custody audit: image rules on digest-pinned references (no network)', () => {
  const policy = () => w('rules.yaml', 'images:\n  requireDigest: true\n  forbidLatest: true\n  allowedRegistries: ["ghcr.io/myorg/*"]\n');

  it('passes (exit 0) when every image is pinned, tagged and allowed', async () => {
    const r = await runBuilt(['audit', `ghcr.io/myorg/app@${D}`, '--policy', policy()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`PASS ghcr.io/myorg/app@${D}`);
    expect(r.stdout).toContain('audit passed: 1/1 images pass');
  });

  it('fails (exit 1) naming the rule and the image; kube-system is excluded by default', async () => {
    const m = w(
      'mixed.yaml',
      [
        `apiVersion: v1\nkind: Pod\nmetadata: {name: ok, namespace: apps}\nspec:\n  containers:\n    - {name: c, image: "ghcr.io/myorg/app@${D}"}\n`,
        `apiVersion: v1\nkind: Pod\nmetadata: {name: foreign, namespace: apps}\nspec:\n  containers:\n    - {name: c, image: "docker.io/library/nginx@${D}"}\n`,
        `apiVersion: v1\nkind: Pod\nmetadata: {name: sys, namespace: kube-system}\nspec:\n  containers:\n    - {name: c, image: "registry.k8s.io/pause:latest"}\n`,
      ].join('---\n'),
    );
    const r = await runBuilt(['audit', 'k8s', m, '--policy', policy(), '-o', 'json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { ok: boolean; images: { image: string; ok: boolean; checks: { rule: string; status: string; detail: string }[] }[]; summary: Record<string, number>; workloads: { name: string; ok: boolean; excluded: boolean }[] };
    expect(j.ok).toBe(false);
    expect(j.summary).toEqual({ images: 2, imagesFailed: 1, workloads: 2, workloadsFailed: 1, excluded: 1 });
    const foreign = j.images.find((i) => i.image.startsWith('docker.io'));
    expect(foreign?.checks.find((c) => c.rule === 'images.allowedRegistries')).toMatchObject({ status: 'fail', detail: 'docker.io/library/nginx is not in allowedRegistries (ghcr.io/myorg/*)' });
    expect(j.workloads.find((x) => x.name === 'sys')).toMatchObject({ excluded: true, ok: true });
    const t = await runBuilt(['audit', 'k8s', m, '--policy', policy()]);
    expect(t.code).toBe(1);
    expect(t.stdout).toContain(`FAIL Pod/apps/foreign: c=docker.io/library/nginx@${D}`);
    expect(t.stdout).toContain('SKIP Pod/kube-system/sys (namespace excluded)');
    expect(t.stdout).toContain('audit failed: 1/2 images pass, 1/2 workloads pass, 1 excluded');
  });
});

describe("custody audit: the guide's policies (fixtures/audit/guide-policy.yaml)", () => {
  it('parse; the digest and latest rules apply offline and provenance is scoped to ghcr.io/myorg/*', async () => {
    const m = w(
      'guide.yaml',
      `apiVersion: v1\nkind: Pod\nmetadata: {name: pinned, namespace: web}\nspec:\n  containers:\n    - {name: c, image: "docker.io/library/nginx@${D}"}\n---\n` +
        `apiVersion: v1\nkind: Pod\nmetadata: {name: dns, namespace: kube-system}\nspec:\n  containers:\n    - {name: c, image: "registry.k8s.io/coredns:latest"}\n`,
    );
    const r = await runBuilt(['audit', 'k8s', m, '--policy', 'fixtures/audit/guide-policy.yaml', '-o', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { images: { checks: { rule: string; status: string }[] }[]; summary: Record<string, number> };
    expect(j.summary).toEqual({ images: 1, imagesFailed: 0, workloads: 1, workloadsFailed: 0, excluded: 1 });
    expect(j.images[0]!.checks.map((c) => `${c.rule}:${c.status}`)).toEqual(['images.requireDigest:pass', 'images.forbidLatest:pass']);
  });
});
