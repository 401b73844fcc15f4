import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { LatencySummary, RunFigures } from './stats.js';

export interface BenchResults {
  machine: { cpus: number; memoryGiB: number; node: string; when: string; mode: 'quick' | 'full' };
  createLead: { system: RunFigures; floor: RunFigures; ratio: number };
  kafkaFloor: RunFigures;
  pipeline: {
    eventsPerSec: number;
    sentPerSec: number;
    e2eP50Ms: number;
    e2eP99Ms: number;
    atFixedLoad: LatencySummary & { offeredRps: number; missing: number };
    atSaturation: LatencySummary & { missing: number };
  };
  readPath: { system: RunFigures; floor: RunFigures; ratio: number; rows: number };
}

const fmt = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '—');

/** The side-by-side table printed at the end of a run. */
export function formatTable(results: BenchResults): string {
  const row = (name: string, figures: Partial<RunFigures>, ratio?: string) =>
    `${name.padEnd(34)}${fmt(figures.rps ?? NaN).padStart(10)}${fmt(figures.p50Ms ?? NaN).padStart(9)}${fmt(figures.p95Ms ?? NaN).padStart(9)}${fmt(figures.p99Ms ?? NaN).padStart(9)}   ${ratio ?? ''}`;
  const { createLead, pipeline, readPath } = results;
  return [
    `${'run'.padEnd(34)}${'req/s'.padStart(10)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'p99 ms'.padStart(9)}   system ÷ floor`,
    row('floor A: pg lead + outbox tx', createLead.floor),
    row('system: POST /api/v1/leads', createLead.system, `throughput ${fmt(createLead.ratio, 2)} × floor`),
    row('floor B: kafkajs produce→consume', results.kafkaFloor),
    row(`e2e commit→SMS sent @${pipeline.atFixedLoad.offeredRps}/s`, { ...pipeline.atFixedLoad, rps: pipeline.atFixedLoad.offeredRps }, `missing ${pipeline.atFixedLoad.missing}`),
    row('e2e commit→SMS sent @saturation', { ...pipeline.atSaturation, rps: NaN }, `missing ${pipeline.atSaturation.missing}`),
    row('pipeline: lead events consumed', { rps: pipeline.eventsPerSec }, `sent ${fmt(pipeline.sentPerSec)} SMS/s`),
    row(`floor: list SQL on ${readPath.rows.toLocaleString('en')} leads`, readPath.floor),
    row('system: GET /api/v1/leads', readPath.system, `p99 ${fmt(readPath.ratio, 2)} × floor`),
  ].join('\n');
}

/** Latency percentiles of every run as a grouped bar chart (SVG, rendered by Vega-Lite). */
export async function renderChart(results: BenchResults): Promise<string> {
  const runs: [string, LatencySummary][] = [
    ['floor A: pg tx', results.createLead.floor],
    ['POST /leads', results.createLead.system],
    ['floor B: kafka', results.kafkaFloor],
    ['e2e @fixed', results.pipeline.atFixedLoad],
    ['e2e @saturation', results.pipeline.atSaturation],
    ['floor: list SQL', results.readPath.floor],
    ['GET /leads', results.readPath.system],
  ];
  const values = runs.flatMap(([run, s]) =>
    (['p50Ms', 'p95Ms', 'p99Ms'] as const).map((key) => ({ run, percentile: key.replace('Ms', ''), ms: s[key] })),
  );
  const spec = compile({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `ChargeSol bench (${results.machine.mode}, ${results.machine.cpus} cores) — latency by run`,
    width: 640,
    height: 300,
    data: { values },
    mark: 'bar',
    encoding: {
      x: { field: 'run', type: 'nominal', sort: null, axis: { labelAngle: -30 } },
      xOffset: { field: 'percentile' },
      y: { field: 'ms', type: 'quantitative', scale: { type: 'symlog' }, title: 'latency (ms, log scale)' },
      color: { field: 'percentile', type: 'nominal' },
    },
  } as never).spec;
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  return view.toSVG();
}

/** Writes latest.json (the shape issue 7 fixes, plus details) and the chart beside it. */
export async function writeResults(dir: string, results: BenchResults): Promise<{ json: string; svg: string }> {
  await mkdir(dir, { recursive: true });
  const json = path.join(dir, 'latest.json');
  const svg = path.join(dir, 'latest.svg');
  const summary = {
    createLead: {
      system: { rps: results.createLead.system.rps, p99Ms: results.createLead.system.p99Ms },
      floor: { rps: results.createLead.floor.rps, p99Ms: results.createLead.floor.p99Ms },
      ratio: results.createLead.ratio,
    },
    pipeline: { eventsPerSec: results.pipeline.eventsPerSec, e2eP50Ms: results.pipeline.e2eP50Ms, e2eP99Ms: results.pipeline.e2eP99Ms },
    readPath: {
      system: { p99Ms: results.readPath.system.p99Ms },
      floor: { p99Ms: results.readPath.floor.p99Ms },
      ratio: results.readPath.ratio,
    },
    details: results,
  };
  await writeFile(json, JSON.stringify(summary, null, 2) + '\n');
  await writeFile(svg, await renderChart(results));
  return { json, svg };
}
