import { defineCataloger } from '../cataloger.js';
import { parseWorkflowUsage } from './workflow.js';

/** GitHub Actions and reusable workflows that workflows and composite actions use. */
export const githubActionsUsageCataloger = defineCataloger({
  name: 'github-actions-usage-cataloger',
  ecosystem: 'github',
  tags: ['language', 'declared', 'directory', 'github', 'github-actions', 'ci'],
  parsers: [
    {
      globs: ['**/.github/workflows/*.yaml', '**/.github/workflows/*.yml', '**/.github/actions/*/action.yml', '**/.github/actions/*/action.yaml'],
      parse: parseWorkflowUsage,
    },
  ],
});
