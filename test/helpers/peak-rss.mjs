// Preloaded with `node --import` into a process under test: at exit, writes the process's peak RSS (KiB,
// getrusage ru_maxrss) to the file named by CUSTODY_PEAK_RSS_FILE. Portable where /usr/bin/time is not.
import { writeFileSync } from 'node:fs';

const file = process.env.CUSTODY_PEAK_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
