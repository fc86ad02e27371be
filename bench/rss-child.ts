/**
 * Run in a child process by bench/run.ts: ingests one large file through analyseFile and
 * prints {rows, seconds, baselineMaxRssKiB, maxRssKiB} as JSON. A process of its own, so its
 * peak resident set is that of the ingest alone (process.resourceUsage().maxRSS, in KiB).
 */
import { runOurs, type BenchFile } from './paths';

const [path, format, dataset] = process.argv.slice(2) as [string, BenchFile['format'], BenchFile['dataset']];
const baselineMaxRssKiB = process.resourceUsage().maxRSS;
const started = performance.now();
const { rows } = await runOurs({ path, format, dataset });
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  `${JSON.stringify({ rows, seconds, baselineMaxRssKiB, maxRssKiB: process.resourceUsage().maxRSS })}\n`,
);
