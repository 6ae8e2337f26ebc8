/** CycloneDX schema validation with the validators and official schemas shipped in @cyclonedx/cyclonedx-library. */
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { ToolError } from '../../core/errors.js';

const VERSIONS: Record<string, Spec.Version> = {
  '1.0': Spec.Version.v1dot0,
  '1.1': Spec.Version.v1dot1,
  '1.2': Spec.Version.v1dot2,
  '1.3': Spec.Version.v1dot3,
  '1.4': Spec.Version.v1dot4,
  '1.5': Spec.Version.v1dot5,
  '1.6': Spec.Version.v1dot6,
  '1.7': Spec.Version.v1dot7,
};

export function isCycloneDxVersion(v: string | undefined): boolean {
  return v !== undefined && v in VERSIONS;
}

/** Validation errors as lines ('' when valid). Throws ToolError when the validator is unavailable. */
export async function validateCycloneDx(text: string, kind: 'json' | 'xml', version: string): Promise<string[]> {
  const spec = VERSIONS[version];
  if (!spec) return [`unknown CycloneDX spec version ${version}`];
  try {
    const validator = kind === 'json' ? new Validation.JsonValidator(spec) : new Validation.XmlValidator(spec);
    const result = await validator.validate(text);
    if (result === null) return [];
    if (Array.isArray(result)) {
      return result.map((e: unknown) => {
        const o = e as { instancePath?: string; message?: string; params?: unknown };
        return o.message !== undefined ? `${o.instancePath || '/'}: ${o.message}${o.params ? ` ${JSON.stringify(o.params)}` : ''}` : JSON.stringify(e);
      });
    }
    return [typeof result === 'string' ? result : JSON.stringify(result)];
  } catch (err) {
    if (err instanceof Validation.MissingOptionalDependencyError || err instanceof Validation.NotImplementedError) {
      throw new ToolError('SBOM_VALIDATOR_MISSING', `no CycloneDX ${kind.toUpperCase()} ${version} validator is available: ${err.message.split('\n')[0]}`, {
        hint: kind === 'xml' ? 'install the optional dependency libxmljs2 (npm install libxmljs2) to validate CycloneDX XML' : 'install ajv, ajv-formats and ajv-formats-draft2019',
        cause: err,
      });
    }
    throw err;
  }
}
