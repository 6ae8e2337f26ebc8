#!/usr/bin/env node
// Thin shim: everything lives in dist/ (built by `npm run build`, run by `npm ci` via prepare).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
