import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../../src/audit/k8s.js';

const MULTI = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  template:
    spec:
      initContainers: [{ name: migrate, image: "ghcr.io/org/migrate:1.0" }]
      containers:
        - name: app
          image: ghcr.io/org/app@sha256:0000000000000000000000000000000000000000000000000000000000000000
---
apiVersion: v1
kind: Service
metadata: { name: web }
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: nightly }
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{ name: job, image: busybox }]
`;

describe('k8s manifests', () => {
  it('finds containers of every workload kind in multi-document YAML', () => {
    const w = parseManifests(MULTI, 'deploy.yaml');
    expect(w.map((x) => [x.kind, x.namespace, x.name, x.origin])).toEqual([
      ['Deployment', 'shop', 'web', 'deploy.yaml#1'],
      ['CronJob', 'default', 'nightly', 'deploy.yaml#3'],
    ]);
    expect(w[0]?.containers).toEqual([
      { name: 'migrate', image: 'ghcr.io/org/migrate:1.0', role: 'initContainers' },
      { name: 'app', image: 'ghcr.io/org/app@sha256:0000000000000000000000000000000000000000000000000000000000000000', role: 'containers' },
    ]);
    expect(w[1]?.containers[0]?.image).toBe('busybox');
  });

  it('reads kubectl JSON lists of pods', () => {
    const json = JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { kind: 'Pod', metadata: { name: 'a', namespace: 'kube-system' }, spec: { containers: [{ name: 'c', image: 'k8s.gcr.io/pause:3.9' }] } },
        { kind: 'Pod', metadata: { name: 'b' }, spec: { containers: [{ name: 'c', image: 'nginx:latest' }] } },
      ],
    });
    const w = parseManifests(json, '-');
    expect(w.map((x) => `${x.namespace}/${x.name}:${x.containers[0]?.image}`)).toEqual(['kube-system/a:k8s.gcr.io/pause:3.9', 'default/b:nginx:latest']);
  });

  it('rejects text that is not YAML with the document number', () => {
    expect(() => parseManifests('kind: Pod\n---\nspec: [oops\n', 'bad.yaml')).toThrow(/bad.yaml \(document 2\) is not valid YAML/);
  });
});
