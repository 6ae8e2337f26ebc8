import { defineConfig } from 'vitest/config';

// Two tiers (README "Tests"): `unit` + `e2e` run on a fresh clone with nothing but the project;
// `real` needs ../shared (corpus, image builders), Debian packages and the real trivy.
// Each project's run gets a TMPDIR of its own, removed at the end (test/helpers/tmp-root.ts).
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000, globalSetup: ['test/helpers/tmp-root.ts'] } },
      { test: { name: 'e2e', include: ['test/e2e/**/*.e2e.test.ts'], testTimeout: 60_000, globalSetup: ['test/helpers/tmp-root.ts'] } },
      {
        test: {
          name: 'real',
          include: ['test/real/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 1_800_000,
          fileParallelism: false,
          globalSetup: ['test/helpers/tmp-root.ts', 'test/real/global-setup.ts'],
        },
      },
    ],
  },
});
