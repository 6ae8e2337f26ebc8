import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactSecrets, secretValues } from '../../../src/tools/redact.js';

describe('redactSecrets', () => {
  it.each([
    ['GET https://alice:hunter22@ghcr.io/v2/', 'GET https://alice:***@ghcr.io/v2/'],
    ['Authorization: Bearer abc.def.ghi-12345', 'Authorization: Bearer ***'],
    ['authorization: Basic dXNlcjpwYXNz', 'authorization: Basic ***'],
    ['"Authorization": "token ghp_0123456789abcdefghijABCDEFGHIJ"', '"Authorization": "token ***"'],
    ['{"auths":{"ghcr.io":{"auth":"dXNlcjpwYXNzd29yZA=="}}}', '{"auths":{"ghcr.io":{"auth":"***"}}}'],
    ['{"identitytoken": "xyz-123"}', '{"identitytoken": "***"}'],
    ['--password hunter22 --username bob', '--password *** --username bob'],
    ['--registry-token=abc123def', '--registry-token=***'],
    ['TRIVY_PASSWORD=p4ss GITHUB_TOKEN=x1y2z3', 'TRIVY_PASSWORD=*** GITHUB_TOKEN=***'],
    ['using token ghp_0123456789abcdefghijABCDEFGHIJ now', 'using token *** now'],
    ['key AKIAIOSFODNN7EXAMPLE', 'key ***'],
    ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlX3g', 'jwt ***'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----', '-----BEGIN PRIVATE KEY----- ***'],
  ])('%s', (input, want) => {
    expect(redactSecrets(input)).toBe(want);
  });

  it('leaves ordinary tool output alone', () => {
    const text = '2026-11-28T12:44:10Z INFO Detected OS family="debian" version="12.15"\nauthor: Jane\nhttps://deb.debian.org/debian bookworm';
    expect(redactSecrets(text)).toBe(text);
  });

  it('masks exact secret values from the environment', () => {
    const env = { TRIVY_PASSWORD: 'correct-horse', HOME: '/root', REGISTRY_AUTH: 'abcd1234', PATH: '/bin' };
    expect(secretValues(env).sort()).toEqual(['abcd1234', 'correct-horse']);
    expect(redactSecrets('login with correct-horse failed (abcd1234) in /root', secretValues(env))).toBe('login with *** failed (***) in /root');
  });

  it('property: a password in a URL never survives, whatever surrounds it', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9._~-]{1,20}$/);
    fc.assert(
      fc.property(fc.string(), word, fc.stringMatching(/^[A-Za-z0-9._~!$-]{6,30}$/), fc.string(), (pre, user, pass, post) => {
        const out = redactSecrets(`${pre} https://${user}:${pass}@registry.example/v2 ${post}`);
        expect(out).toContain(`https://${user}:***@registry.example/v2`);
      }),
    );
  });

  it('property: never throws and is idempotent on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        const once = redactSecrets(s);
        expect(redactSecrets(once)).toBe(once);
      }),
    );
  });
});
