// Runs the shared front end (through frontEnd.ts) for a document's target — scenario plus
// runtime model, or a model with the empty scenario — over the document store, builds the
// symbol index, and caches each result by (runtime, scenario) for as long as every file it read
// still has the same text. Keeps the timings of recent analyses for the stats request.
import type { Analysis } from '../../debug-adapter/engine';
import { FrontEnd } from './frontEnd';
import type { DocumentStore } from './documents';
import { MODEL_STUB_TEXT, type RuntimeChooser, type Target } from './runtimeChoice';
import { buildIndex, type PriorIndex, type ProgramIndex } from './symbolIndex';
import { SourceCache } from './sourceText';

export interface AnalysisResult {
  target: Target;
  analysis: Analysis;
  index: ProgramIndex;
  /** Every file the analysis read, with the text it read. */
  texts: ReadonlyMap<string, string | undefined>;
  /** Milliseconds in the front end and in building the index. */
  frontEndMs: number;
  indexMs: number;
}

export interface Timing {
  file: string;
  runtime: string;
  frontEndMs: number;
  indexMs: number;
  /** Served from the analysis cache (nothing it read had changed). */
  cached: boolean;
  /** The runtime model's preprocessing and index were reused from an earlier analysis. */
  reusedRuntime: boolean;
  reusedIndex: boolean;
}

const MAX_CACHED = 12;
const MAX_TIMINGS = 50;

/** The last index built on a runtime, with the text of each runtime file it indexed. */
interface RuntimePart extends PriorIndex {
  texts: ReadonlyMap<string, string | undefined>;
}

export class Analyzer {
  private readonly cache = new Map<string, AnalysisResult>();
  private readonly frontEnd = new FrontEnd();
  private readonly runtimeParts = new Map<string, RuntimePart>();
  /** Documents found to be plain SimC programs (runtime `none`), and documents whose mode is settled. */
  private readonly plainFiles = new Set<string>();
  private readonly settled = new Set<string>();
  readonly sources = new SourceCache();
  readonly timings: Timing[] = [];

  constructor(
    private readonly store: DocumentStore,
    private readonly chooser: RuntimeChooser,
  ) {}

  /** The analysis a document is served from, given its `sweepscope.runtime` setting. */
  forDocument(file: string, setting: string): AnalysisResult {
    const target = this.chooser.targetFor(file, setting);
    if (target.isModel || target.explicit || target.runtime.name === 'none') return this.run(target, file);
    // A plain SimC program (no Go runtime) that does not fit the default runtime runs on `none`.
    // Which of the two a document is gets settled by its first clean analysis; until then an
    // analysis with errors tries the other one too.
    const plainTarget = this.chooser.plain(file);
    const [first, second] = this.plainFiles.has(file) ? [plainTarget, target] : [target, plainTarget];
    const result = this.run(first, file);
    const clean = (r: AnalysisResult): boolean => !r.analysis.diagnostics.some((d) => d.severity === 'error');
    if (clean(result)) {
      this.settled.add(file);
      return result;
    }
    if (this.settled.has(file)) return result;
    const other = this.run(second, file);
    if (!clean(other)) return result;
    this.settled.add(file);
    if (second === plainTarget) this.plainFiles.add(file);
    else this.plainFiles.delete(file);
    return other;
  }

  /** Cached analyses (other open documents') on the same runtime, for cross-document references. */
  sameRuntime(runtime: string): AnalysisResult[] {
    return [...this.cache.values()].filter((r) => r.target.runtime.name === runtime && this.valid(r));
  }

  /** Text of a file as the analyses see it. */
  text(file: string): string | undefined {
    return this.store.read(file);
  }

  forget(): void {
    this.cache.clear();
    this.frontEnd.forget();
    this.runtimeParts.clear();
    this.plainFiles.clear();
    this.settled.clear();
  }

  private valid(r: AnalysisResult): boolean {
    for (const [p, t] of r.texts) if (this.store.read(p) !== t) return false;
    return true;
  }

  private run(target: Target, file: string): AnalysisResult {
    const key = `${target.runtime.name}\u0000${target.scenario}`;
    const old = this.cache.get(key);
    if (old && this.valid(old)) {
      this.note({ file, runtime: target.runtime.name, frontEndMs: 0, indexMs: 0, cached: true, reusedRuntime: true, reusedIndex: true });
      return old;
    }
    if (target.isModel) this.store.addSynthetic(target.scenario, MODEL_STUB_TEXT);
    const texts = new Map<string, string | undefined>();
    const loader = this.store.recordingLoader(texts);
    const t0 = performance.now();
    const analysis = this.frontEnd.analyze({ runtimeFiles: target.runtime.files, scenario: target.scenario, loader });
    const t1 = performance.now();
    const runtimeFiles = analysis.files.slice(0, Math.max(0, analysis.files.indexOf(target.scenario)));
    const prior = this.runtimeParts.get(target.runtime.name);
    const reusable = prior && prior.files.size === runtimeFiles.length && runtimeFiles.every((f) => prior.files.has(f) && prior.texts.get(f) === texts.get(f));
    const index = buildIndex(analysis, this.sources, (p) => (texts.has(p) ? texts.get(p) : this.store.read(p)), reusable ? prior : undefined);
    const t2 = performance.now();
    if (!reusable && runtimeFiles.length > 0 && !analysis.files.slice(0, runtimeFiles.length).includes(target.scenario)) {
      this.runtimeParts.set(target.runtime.name, { index, files: new Set(runtimeFiles), texts: new Map(runtimeFiles.map((f) => [f, texts.get(f)])) });
    }
    const result: AnalysisResult = { target, analysis, index, texts, frontEndMs: t1 - t0, indexMs: t2 - t1 };
    this.cache.delete(key);
    this.cache.set(key, result);
    while (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    this.note({
      file,
      runtime: target.runtime.name,
      frontEndMs: result.frontEndMs,
      indexMs: result.indexMs,
      cached: false,
      reusedRuntime: this.frontEnd.lastReusedRuntime,
      reusedIndex: !!reusable,
    });
    return result;
  }

  private note(t: Timing): void {
    this.timings.push(t);
    if (this.timings.length > MAX_TIMINGS) this.timings.shift();
  }
}
