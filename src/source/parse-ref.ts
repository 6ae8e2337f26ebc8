/**
 * Source references: `TRANSPORT:REST` or a bare path/reference that is sniffed.
 */
export const TRANSPORTS = ['oci-dir', 'oci-archive', 'docker-archive', 'dir', 'registry'] as const;
export type Transport = (typeof TRANSPORTS)[number];

export interface ParsedRef {
  transport: Transport | undefined;
  /** Path or image reference after the prefix. */
  rest: string;
}

export function parseSourceRef(ref: string): ParsedRef {
  const m = /^([a-z-]+):(.*)$/s.exec(ref);
  if (m !== null && (TRANSPORTS as readonly string[]).includes(m[1]!)) {
    // `docker:` is syft/skopeo's spelling of a daemon image; not supported (no Docker).
    return { transport: m[1] as Transport, rest: m[2]! };
  }
  return { transport: undefined, rest: ref };
}
