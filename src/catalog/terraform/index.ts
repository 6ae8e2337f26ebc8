import { defineCataloger } from '../cataloger.js';
import { parseTerraformLock } from './lock-hcl.js';

/** Terraform providers from the dependency lock file `.terraform.lock.hcl`. */
export const terraformLockCataloger = defineCataloger({
  name: 'terraform-lock-cataloger',
  ecosystem: 'terraform',
  tags: ['language', 'declared', 'directory', 'terraform', 'hcl'],
  parsers: [{ globs: ['**/.terraform.lock.hcl'], parse: parseTerraformLock }],
});
