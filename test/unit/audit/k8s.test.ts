import { describe, expect, it } from 'vitest';
import { parseManifests, readManifests } from '../../../src/audit/k8s.js';

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

  it('a document that is not YAML is incomplete input naming the document; the others are still read', () => {
    const r = readManifests('kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: nginx}]}\n---\nspec: [oops\n', 'bad.yaml');
    expect(r.workloads.map((w) => w.name)).toEqual(['p']);
    expect(r.incomplete).toEqual([{ kind: 'manifest', path: 'bad.yaml#2', reason: expect.stringMatching(/^not valid YAML or JSON at line \d+/) }]);
  });

  // What `helm template` gives when it fails, a file holding the wrong thing, a pod spec without images:
  // never "0 images, passed" (README "Completeness").
  it.each([
    ['empty input', '', 'manifest', '-', 'empty: no YAML or JSON document'],
    ['whitespace', '  \n\t\n', 'manifest', '-', 'empty: no YAML or JSON document'],
    ['comments only', '# nothing rendered\n---\n# Source: chart/templates/x.yaml\n', 'manifest', '-', 'no YAML or JSON document (only comments)'],
    ['null', 'null\n', 'manifest', '-', 'the document is null, not a Kubernetes object'],
    ['a bare string', 'hello\n', 'manifest', '-', 'the document is a string ("hello"), not a Kubernetes object'],
    ['a number', '42\n', 'manifest', '-', 'the document is a number (42), not a Kubernetes object'],
    ['a JSON array', '[{"kind":"Pod"}]', 'manifest', '-', 'the document is a list, not a Kubernetes object'],
    ['an object without kind', '{"spec": {"containers": []}}', 'manifest', '-', 'the document has no kind: not a Kubernetes object'],
    ['a List without items', 'kind: List\nitems: 5\n', 'manifest', '-', 'List without an items list'],
    ['containers: 5', 'kind: Pod\nmetadata: {name: p}\nspec: {containers: 5}\n', 'workload', '- Pod default/p', 'containers is a number (5), not a list of containers'],
    ['a container without image', 'kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: app}]}\n', 'workload', '- Pod default/p', 'containers app has no image'],
    ['an image that is not a string', 'kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: app, image: 5}]}\n', 'workload', '- Pod default/p', 'containers app has an image that is a number (5), not a string'],
    ['a Deployment without a pod spec', 'kind: Deployment\nmetadata: {name: d}\nspec: {replicas: 2}\n', 'workload', '- Deployment default/d', 'no pod spec where this kind has one'],
    ['no containers at all', 'kind: Pod\nmetadata: {name: p}\nspec: {containers: []}\n', 'workload', '- Pod default/p', 'the pod spec has no containers'],
    [
      'a kind custody does not read that runs containers',
      'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r}\nspec: {template: {spec: {containers: [{name: a, image: nginx}]}}}\n',
      'workload',
      '- Rollout default/r',
      'kind Rollout runs containers, but custody does not read its pod spec',
    ],
  ])('%s is incomplete input', (_label, text, kind, path, reason) => {
    const r = readManifests(text, '-');
    expect(r.workloads).toEqual([]);
    expect(r.incomplete).toEqual([{ kind, path, reason }]);
  });

  it('clean manifests report nothing incomplete; Services and ConfigMaps run nothing and are not incomplete', () => {
    expect(readManifests(MULTI, 'deploy.yaml').incomplete).toEqual([]);
    expect(readManifests('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n---\n# Source: x\n', 'cm.yaml')).toEqual({ workloads: [], incomplete: [] });
  });

  it('one bad container does not hide the good ones of the same workload', () => {
    const r = readManifests('kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: nginx}, {name: b}]}\n', 'p.yaml');
    expect(r.workloads.map((w) => w.containers.map((c) => c.image))).toEqual([['nginx']]);
    expect(r.incomplete).toEqual([{ kind: 'workload', path: 'p.yaml Pod default/p', reason: 'containers b has no image' }]);
  });
});
