/**
 * A full garbage collection on demand, for the few points where a run has just dropped most of what it
 * held (issue 17, "Scale": an image's streamed walk, then its file tree and kept bytes before the SBOM
 * is encoded). V8 collects old space by heuristics of its own, so a run that drops 40 MB and then
 * allocates again can peak with both in memory; one full collection there keeps peak RSS at what is
 * live (big-mix: ~20-25 MB less). `gc` is exposed to a new context only (`--expose-gc` set at run time,
 * as node's v8.setFlagsFromString documents); nothing else sees it. A no-op where that is refused.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined | null = null;

export function collectGarbage(): void {
  if (gc === null) {
    try {
      setFlagsFromString('--expose-gc');
      const f = runInNewContext('typeof gc === "function" ? gc : undefined') as unknown;
      gc = typeof f === 'function' ? (f as () => void) : undefined;
    } catch {
      gc = undefined;
    }
  }
  gc?.();
}
