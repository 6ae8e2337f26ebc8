/** Engine output is untrusted input: whatever JSON a tool prints, the mappers return a model or a ToolError. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ToolError } from '../../../src/core/errors.js';
import { mapSyftJson, mapTrivyCycloneDx, type EngineTarget } from '../../../src/sbom/engines/index.js';

const target: EngineTarget = { transport: 'docker-archive', location: '/x.tar', ref: 'x.tar' };

function outcome(f: () => unknown): 'ok' | 'tool-error' {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (e instanceof ToolError) return 'tool-error';
    throw e;
  }
}

const component = fc.record(
  {
    'bom-ref': fc.oneof(fc.string(), fc.constant('r1'), fc.constant('r1')),
    type: fc.oneof(fc.constantFrom('library', 'operating-system', 'application'), fc.anything()),
    name: fc.oneof(fc.string(), fc.anything()),
    version: fc.oneof(fc.string(), fc.anything()),
    purl: fc.oneof(fc.constantFrom('pkg:deb/debian/a@1?epoch=2', 'pkg:npm/%40s/x@1', 'pkg:', 'nope'), fc.anything()),
    properties: fc.array(fc.record({ name: fc.oneof(fc.constantFrom('aquasecurity:trivy:FilePath', 'aquasecurity:trivy:Class', 'aquasecurity:trivy:LayerDiffID'), fc.string()), value: fc.anything() })),
    components: fc.anything(),
  },
  { requiredKeys: [] },
);

describe('hostile engine output', () => {
  it('trivy: arbitrary CycloneDX-shaped documents', () => {
    fc.assert(
      fc.property(fc.array(component, { maxLength: 20 }), fc.anything(), (components, dependencies) => {
        outcome(() => mapTrivyCycloneDx({ bomFormat: 'CycloneDX', components, dependencies, metadata: { component: components[0] } }, target));
      }),
    );
  });

  it('trivy and syft: any JSON value at all', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (doc) => {
        outcome(() => mapTrivyCycloneDx(doc, target));
        outcome(() => mapSyftJson(doc, target));
      }),
    );
  });

  it('syft: arbitrary artifacts and relationships', () => {
    const artifact = fc.record({ id: fc.string(), name: fc.anything(), version: fc.anything(), purl: fc.anything(), cpes: fc.anything(), licenses: fc.anything(), locations: fc.anything(), metadata: fc.anything() }, { requiredKeys: [] });
    fc.assert(
      fc.property(fc.array(artifact, { maxLength: 20 }), fc.anything(), (artifacts, rels) => {
        expect(outcome(() => mapSyftJson({ artifacts, artifactRelationships: rels, source: {}, descriptor: {} }, target))).toBe('ok');
      }),
    );
  });
});
