/**
 * Identity policy, as cosign: `--certificate-identity[-regexp]` and `--certificate-oidc-issuer[-regexp]`.
 * Regular expressions are anchored at both ends whatever the user wrote (`repo/` never matches `evil/repo/x`).
 */
import { UsageError } from '../core/errors.js';
import type { IdentityPolicy, StringMatcher, VerifyCheck } from './model.js';

/** Compile a matcher; a regexp is wrapped as `^(?:...)$`. @throws UsageError VERIFY_BAD_REGEXP */
export function compileMatcher(m: StringMatcher, flag: string): (value: string) => boolean {
  if ('exact' in m) return (v) => v === m.exact;
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${m.regexp})$`, 'u');
  } catch (err) {
    throw new UsageError('VERIFY_BAD_REGEXP', `${flag} ${JSON.stringify(m.regexp)} is not a valid regular expression`, {
      hint: 'use JavaScript regular expression syntax; it is anchored at both ends for you',
      cause: err,
    });
  }
  return (v) => re.test(v);
}

export function describeMatcher(m: StringMatcher): string {
  return 'exact' in m ? m.exact : `/^(?:${m.regexp})$/`;
}

/** Check the certificate identity and issuer against the policy; returns two checks. */
export function checkIdentity(policy: IdentityPolicy, identity: string | undefined, issuer: string | undefined): VerifyCheck[] {
  const idOk = identity !== undefined && compileMatcher(policy.identity, '--certificate-identity-regexp')(identity);
  const isOk = issuer !== undefined && compileMatcher(policy.issuer, '--certificate-oidc-issuer-regexp')(issuer);
  const what = (m: StringMatcher): string => ('exact' in m ? `identity ${m.exact}` : `identity matching ${describeMatcher(m)}`);
  const whatIss = (m: StringMatcher): string => ('exact' in m ? `issuer ${m.exact}` : `issuer matching ${describeMatcher(m)}`);
  return [
    {
      name: 'identity',
      ok: idOk,
      detail: idOk
        ? `certificate identity ${identity ?? ''} matches`
        : `expected ${what(policy.identity)}, certificate says ${identity ?? '(no subject alternative name)'}`,
    },
    {
      name: 'issuer',
      ok: isOk,
      detail: isOk
        ? `OIDC issuer ${issuer ?? ''} matches`
        : `expected ${whatIss(policy.issuer)}, certificate says ${issuer ?? '(no issuer extension)'}`,
    },
  ];
}
