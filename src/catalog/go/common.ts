import { buildPurl } from '../../core/ecosystem.js';

/** Module path → pkg:golang purl (namespace = all but the last path segment). */
export function golangPurl(path: string, version: string): string | undefined {
  const i = path.lastIndexOf('/');
  try {
    return buildPurl({ type: 'golang', namespace: i > 0 ? path.slice(0, i) : undefined, name: i > 0 ? path.slice(i + 1) : path, version });
  } catch {
    return undefined;
  }
}
