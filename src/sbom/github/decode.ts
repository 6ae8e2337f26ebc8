/** GitHub dependency-graph REST export: {"sbom": <SPDX 2.3 JSON>} → the SPDX decoder. */
import type { Sbom } from '../model.js';
import { obj, type DecodeContext } from '../decode.js';
import { decodeSpdxObject } from '../spdx/decode.js';

export function decodeGithubDependencyGraph(doc: Record<string, unknown>, ctx: DecodeContext): Sbom {
  const sbom = decodeSpdxObject(obj(doc.sbom), ctx, 'github-dependency-graph');
  // The document name is 'com.github.owner/repo': a repository, not an image.
  sbom.subject.kind = 'directory';
  return sbom;
}
