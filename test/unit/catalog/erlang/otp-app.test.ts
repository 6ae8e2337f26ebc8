import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../src/catalog/cataloger.js';
import { erlangOtpApplicationCataloger } from '../../../../src/catalog/erlang/index.js';
import { parseOtpApp } from '../../../../src/catalog/erlang/otp-app.js';
import { parseTerms } from '../../../../src/catalog/erlang/term.js';
import { FIXTURES } from '../../../helpers/paths.js';
import { catalogFiles } from '../lang-support.js';

describe('erlang-otp-application-cataloger', () => {
  it('the application itself as the project, pkg:hex at its vsn, description and applications kept', async () => {
    const r = await catalogFiles([erlangOtpApplicationCataloger], [{ path: '/rel/lib/rabbit/ebin/rabbit.app', content: readFileSync(join(FIXTURES, 'catalog', 'peers', 'syft/erlang/rabbitmq.app')) }]);
    expect(r.packages).toHaveLength(1);
    expect(r.packages[0]).toMatchObject({ name: 'rabbit', version: '3.12.10', type: 'hex', purl: 'pkg:hex/rabbit@3.12.10', description: 'RabbitMQ', metadata: { project: 'root' }, foundBy: ['erlang-otp-application-cataloger'] });
    expect(r.incomplete).toEqual([]);
  });

  it('maps and characters in env, a vsn that is an atom (a warning, no version), files in another form incomplete', async () => {
    const app = `%% comment\n{application, my_app, [{vsn, git}, {applications, [kernel, stdlib]}, {env, [{m, #{a => 1, "b" => [$x, $\\n]}}, {e, #{}}]}]}.\n`;
    const r = await catalogFiles([erlangOtpApplicationCataloger], [
      { path: '/a/ebin/my_app.app', content: Buffer.from(app) },
      { path: '/b/ebin/x.app', content: Buffer.from('{app, x, []}.') },
      { path: '/c/ebin/y.app', content: Buffer.from('not erlang at all') },
    ]);
    expect(r.packages.map((p) => [p.name, p.version, p.purl, p.metadata])).toEqual([['my_app', '', 'pkg:hex/my_app', { applications: ['kernel', 'stdlib'], project: 'root' }]]);
    expect(r.warnings.join('\n')).toMatch(/vsn "git" is no version/);
    expect(r.incomplete.map((i) => i.path).sort()).toEqual(['/b/ebin/x.app', '/c/ebin/y.app']);
  });

  it('the term reader: maps as tuples of keys and values, characters as numbers', () => {
    expect(parseTerms('#{a => $b, c := "d"}.')).toEqual([{ kind: 'tuple', items: [{ kind: 'atom', value: 'a' }, { kind: 'number', value: '98' }, { kind: 'atom', value: 'c' }, { kind: 'string', value: 'd' }] }]);
    expect(() => parseTerms('#{a, b}.')).toThrow(/expected "=>"/);
  });

  it('hostile input (fast-check): a result or a thrown Error', () => {
    const ctx = { warn: () => {}, incomplete: () => {}, limits: DEFAULT_LIMITS };
    const run = (s: string): void => {
      try {
        expect(Array.isArray(parseOtpApp({ location: { path: '/x.app' }, contents: Buffer.from(s) }, ctx).packages)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
      }
    };
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        run(a);
        run(`{application, ${a}, [{vsn, "${b}"}, {env, #{${a} => ${b}}}]}.`);
        run(`{application, x, [{vsn, ${a}}, {applications, [${b}]}]}.`);
      }),
      { numRuns: 300 },
    );
    run(`{application, x, ${'#{a => '.repeat(10_000)}`);
  });
});
