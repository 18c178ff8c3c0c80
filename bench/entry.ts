/** One figure of bench/report.json. */
export interface BenchEntry {
  name: string;
  value: number;
  unit: string;
  /** The same figure for the reference it is compared with, measured in the same run. */
  baseline?: number;
  /** value / baseline. */
  ratio?: number;
}

/** A bench module: every `bench/*.bench.ts` exports one. */
export type BenchRun = () => Promise<BenchEntry[]>;
