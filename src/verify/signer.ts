/**
 * Signer details from a Fulcio leaf certificate: identity, issuer and the GitHub workflow claims
 * (https://github.com/sigstore/fulcio/blob/main/docs/oid-info.md).
 */
import { createHash, type KeyObject } from 'node:crypto';
import type { X509Certificate } from '@sigstore/core';
import type { SignerInfo } from './model.js';

const FULCIO = '1.3.6.1.4.1.57264.1.';

/** v1 extensions hold raw bytes; v2 (from .8 on) hold a DER UTF8String. */
const EXTENSIONS: [number, string][] = [
  [2, 'githubWorkflowTrigger'],
  [3, 'githubWorkflowSha'],
  [4, 'githubWorkflowName'],
  [5, 'githubWorkflowRepository'],
  [6, 'githubWorkflowRef'],
  [9, 'buildSignerURI'],
  [10, 'buildSignerDigest'],
  [11, 'runnerEnvironment'],
  [12, 'sourceRepositoryURI'],
  [13, 'sourceRepositoryDigest'],
  [14, 'sourceRepositoryRef'],
  [15, 'sourceRepositoryIdentifier'],
  [16, 'sourceRepositoryOwnerURI'],
  [17, 'sourceRepositoryOwnerIdentifier'],
  [18, 'buildConfigURI'],
  [19, 'buildConfigDigest'],
  [20, 'buildTrigger'],
  [21, 'runInvocationURI'],
  [22, 'sourceRepositoryVisibilityAtSigning'],
];

/** Decode a DER UTF8String (tag 0x0c), or return the bytes as text when they are not one. */
function derUtf8(value: Buffer): string {
  if (value[0] === 0x0c && value.length >= 2) {
    const first = value[1] as number;
    let len = first;
    let off = 2;
    if (first & 0x80) {
      const n = first & 0x7f;
      len = 0;
      for (let k = 0; k < n; k++) len = len * 256 + (value[2 + k] ?? 0);
      off = 2 + n;
    }
    if (off + len === value.length) return value.subarray(off).toString('utf8');
  }
  return value.toString('utf8');
}

export function certificateSigner(cert: X509Certificate): SignerInfo {
  const extensions: Record<string, string> = {};
  for (const [n, name] of EXTENSIONS) {
    const ext = cert.extension(`${FULCIO}${n}`);
    if (ext) extensions[name] = n < 8 ? ext.value.toString('utf8') : derUtf8(ext.value);
  }
  const v2 = cert.extension(`${FULCIO}8`);
  const v1 = cert.extension(`${FULCIO}1`);
  const issuer = v2 ? derUtf8(v2.value) : v1?.value.toString('utf8');
  // Fulcio puts usernames in an otherName SAN (1.3.6.1.4.1.57264.1.7) when there is no e-mail or URI.
  const identity = cert.subjectAltName ?? cert.extSubjectAltName?.otherName(`${FULCIO}7`);
  return {
    kind: 'certificate',
    ...(identity !== undefined ? { identity } : {}),
    ...(issuer !== undefined ? { issuer } : {}),
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    extensions,
  };
}

/** SHA-256 of the key's SPKI DER, hex: how reports name a public key. */
export function keyId(key: KeyObject): string {
  return createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex');
}
