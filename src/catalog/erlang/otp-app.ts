/**
 * Erlang/OTP application resource files, `<app>.app` (https://www.erlang.org/doc/apps/kernel/app.html):
 *
 *     {application, rabbit, [{description, "RabbitMQ"}, {vsn, "3.12.10"}, {applications, [kernel, stdlib]}, …]}.
 *
 * The file describes the application itself: it is reported as the project (`metadata.project: 'root'`, README
 * "The project itself") at its `vsn`, empty when there is none, with a `pkg:hex` purl (syft writes `pkg:otp`,
 * which no registry or vulnerability database knows; OTP applications are published on hex.pm under their
 * application name). The applications it names in `applications` carry no versions, so they are not packages.
 * Read by the bounded Erlang term reader (term.ts), never evaluated.
 */
import type { CatalogContext, CatalogFile, ParseResult } from '../cataloger.js';
import { langPackage, projectMetadata, purlOrUndefined, textOf } from '../lang-common.js';
import { itemsOf, parseTerms, TermError, textOfTerm, type Term } from './term.js';

const CATALOGER = 'erlang-otp-application-cataloger';
/** Real .app files are a few KB; a big one lists thousands of modules. */
const MAX_BYTES = 4 * 1024 * 1024;

export function parseOtpApp(file: CatalogFile, ctx: CatalogContext): ParseResult {
  if (file.contents.length > MAX_BYTES) {
    ctx.incomplete(`OTP .app file is ${file.contents.length} bytes, over the ${MAX_BYTES} read`);
    return { packages: [] };
  }
  let terms: Term[];
  try {
    terms = parseTerms(textOf(file.contents));
  } catch (err) {
    if (err instanceof TermError) throw new Error(`.app file is not readable Erlang terms: ${err.message}`, { cause: err });
    throw err;
  }
  const [tag, nameTerm, props] = itemsOf(terms[0]);
  const name = textOfTerm(nameTerm);
  if (terms[0]?.kind !== 'tuple' || textOfTerm(tag) !== 'application' || nameTerm?.kind !== 'atom' || !name || props?.kind !== 'list') {
    throw new Error('.app file holds no {application, Name, [...]} term');
  }
  const prop = (key: string): Term | undefined => {
    const t = props.items.find((p) => p.kind === 'tuple' && p.items.length === 2 && textOfTerm(p.items[0]) === key);
    return t === undefined ? undefined : itemsOf(t)[1];
  };
  const vsn = prop('vsn');
  const version = vsn?.kind === 'string' || vsn?.kind === 'binary' ? vsn.value : '';
  if (vsn !== undefined && version === '') ctx.warn(`OTP application ${JSON.stringify(name)}: vsn ${vsn.kind === 'atom' ? JSON.stringify(vsn.value) : 'in no known form'} is no version; reported without one`, file.location);
  const description = textOfTerm(prop('description'));
  const applications = itemsOf(prop('applications')).map(textOfTerm).filter((a): a is string => a !== undefined);
  return {
    packages: [
      langPackage({
        name,
        version,
        type: 'hex',
        purl: purlOrUndefined({ type: 'hex', name, version }),
        location: file.location,
        foundBy: CATALOGER,
        description,
        metadata: projectMetadata('root', applications.length > 0 ? { applications: applications.slice(0, 1000) } : {}),
      }),
    ],
  };
}
