/**
 * Every registered command, by hand. A command appears here only once it works end to end.
 */
import type { CommandModule } from './command.js';
import { auditCommand } from './audit.js';
import { scanCommand } from './scan.js';
import { verifyCommand } from './verify.js';
import { provenanceCommand } from './provenance.js';
import { sbomConvertCommand } from './sbom-convert.js';
import { sbomDiffCommand } from './sbom-diff.js';
import { sbomIndexCommand } from './sbom-index.js';
import { sbomQueryCommand } from './sbom-query.js';
import { sbomValidateCommand } from './sbom-validate.js';
import { sbomGenerateCommand } from './sbom-generate.js';

export const COMMANDS: readonly CommandModule[] = [
  scanCommand,
  auditCommand,
  verifyCommand,
  provenanceCommand,
  sbomGenerateCommand,
  sbomQueryCommand,
  sbomIndexCommand,
  sbomDiffCommand,
  sbomConvertCommand,
  sbomValidateCommand,
];
