#!/usr/bin/env node
// Thin shim: everything lives in dist/bundle/ (built by `npm run build`, run by `npm ci` via prepare).
import { main } from '../dist/bundle/main.js';

process.exitCode = await main(process.argv.slice(2));
