// Schedule files: the engine's ScheduleRecord (version 1, the program hash `<program>.<scenario>`,
// the M/steps switch pairs and the optional per-switch end positions that let a replay detect
// divergence) written compactly — one line per array — plus an `explore` block saying what the
// explorer found. Replay after an edit runs the prefix that still applies, continues under a
// seeded scheduler and reports where it diverged. Text in, text out: the callers do the I/O.
import type { RunResult, ScheduleRecord } from '../api';
import { runProgram, type Program } from '../index';
import type { ExploreReport } from './explorer';
import { oracleFor } from './target';

export interface ExploreMeta {
  scenario: string;
  runtime: string;
  strategy: string;
  preemptions: number;
  switches: number;
  certified: boolean;
  outcome: string;
  message: string;
  location?: string;
}

export interface ScheduleFile extends ScheduleRecord {
  explore?: ExploreMeta;
}

export function scheduleMeta(report: ExploreReport, scenario: string, runtime: string): ExploreMeta {
  const f = report.finding;
  const loc = f?.result.location;
  return {
    scenario,
    runtime,
    strategy: report.strategy,
    preemptions: f?.preemptions ?? 0,
    switches: f?.switches ?? 0,
    certified: f?.certified ?? false,
    outcome: f?.result.outcome ?? 'exit',
    message: f?.result.message ?? '',
    ...(loc ? { location: `${loc.file.split('/').pop()}:${loc.line} ${loc.function}` } : {}),
  };
}

/**
 * How the explorer's finding recorded in a schedule file's text ended (`explore.outcome`), or
 * undefined for a schedule recorded some other way (`run --record`, the examples' A/B/C). The
 * text is assumed already checked by parseScheduleRecord.
 */
export function recordedOutcome(text: string): string | undefined {
  try {
    const data: unknown = JSON.parse(text);
    const meta = typeof data === 'object' && data !== null && 'explore' in data ? data.explore : undefined;
    const outcome = typeof meta === 'object' && meta !== null && 'outcome' in meta ? meta.outcome : undefined;
    return typeof outcome === 'string' ? outcome : undefined;
  } catch {
    return undefined;
  }
}

/** The file's text: small, and diff-friendly (each array on one line). */
export function encodeSchedule(record: ScheduleRecord, meta?: ExploreMeta): string {
  const lines = [
    `  "version": ${record.version}`,
    `  "programHash": ${JSON.stringify(record.programHash)}`,
    `  "gomaxprocs": ${record.gomaxprocs}`,
    `  "switches": ${JSON.stringify(record.switches)}`,
  ];
  if (record.ends) lines.push(`  "ends": ${JSON.stringify(record.ends)}`);
  if (record.sysmonSteps !== undefined) lines.push(`  "sysmonSteps": ${record.sysmonSteps}`);
  if (meta) lines.push(`  "explore": ${JSON.stringify(meta)}`);
  return `{\n${lines.join(',\n')}\n}\n`;
}

export interface Replay {
  result: RunResult;
  /** The recording was made on another program (an edited model or scenario). */
  edited: boolean;
}

/**
 * Replays a schedule on a program. If the program is not the one it was recorded on, the part
 * that still applies is replayed and `result.divergedAt` says where it stopped applying; the
 * seeded random strategy runs the rest.
 */
export function replaySchedule(program: Program, record: ScheduleRecord, options: { seed?: number; maxSteps?: number; oracle?: boolean } = {}): Replay {
  const result = runProgram(program, {
    gomaxprocs: record.gomaxprocs,
    schedule: record,
    strategy: 'random',
    seed: options.seed ?? 1,
    maxSteps: options.maxSteps,
    oracle: oracleFor(program, options.oracle),
  });
  return { result, edited: record.programHash !== program.hash };
}
