/**
 * The documented `custody verify -o json` shape (docs/readme/verify.md):
 * { verified, subject, source, signer: {identity, issuer, kind, keyId, notBefore, notAfter, signedAt, extensions} | null,
 *   checks: [{name, ok, detail}], warnings: [string], payload: {type, sha256} | null, error: {code, message, hint} | null }
 */
import { createHash } from 'node:crypto';
import type { VerifyResult } from './model.js';

export interface VerifyJson {
  verified: boolean;
  subject: string;
  source: string | null;
  signer: VerifyResult['signer'] | null;
  checks: VerifyResult['checks'];
  warnings: string[];
  payload: { type: string; sha256: string } | null;
  error: { code: string; message: string; hint: string | null } | null;
}

export function verifyResultJson(r: VerifyResult): VerifyJson {
  return {
    verified: r.verified,
    subject: r.subject,
    source: r.source ?? null,
    signer: r.signer ?? null,
    checks: r.checks,
    warnings: r.warnings,
    payload: r.payload ? { type: r.payload.type, sha256: createHash('sha256').update(r.payload.bytes).digest('hex') } : null,
    error: r.error ? { code: r.error.code, message: r.error.message, hint: r.error.hint ?? null } : null,
  };
}
