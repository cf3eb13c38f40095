/** Timing helpers and the results table of one bench run. */
import { cpus, totalmem, type as osType, release } from "node:os";

export const now = (): number => performance.now();

/** The q-th percentile (0..100) of samples, nearest-rank. */
export function percentile(samples: number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((q / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export const median = (samples: number[]): number => percentile(samples, 50);

export const mean = (samples: number[]): number =>
  samples.length ? samples.reduce((sum, value) => sum + value, 0) / samples.length : Number.NaN;

/** Runs `task` n times one after another and returns each duration in ms. */
export async function timeEach(n: number, task: (index: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const start = now();
    await task(i);
    samples.push(now() - start);
  }
  return samples;
}

/** Runs `total` tasks through `clients` concurrent workers; durations per task and wall time. */
export async function timeConcurrent(
  total: number,
  clients: number,
  task: (index: number) => Promise<unknown>,
): Promise<{ samples: number[]; wallMs: number }> {
  const samples: number[] = [];
  let next = 0;
  const start = now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < total) {
        const index = next++;
        const begin = now();
        await task(index);
        samples.push(now() - begin);
      }
    }),
  );
  return { samples, wallMs: now() - start };
}

export interface Figure {
  value: number | null;
  unit: string;
  peer?: string;
  peer_value?: number | null;
  /** ours / peer's, so above 1 means a larger number than the peer's (slower for latencies). */
  ratio?: number | null;
  note?: string;
}

export function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? "unknown",
    cores: cpu.length,
    memory_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${osType()} ${release()}`,
    node: process.version,
    database: "Cloud Firestore emulator (local, single process)",
  };
}

/** Three significant digits (whole numbers from 1000 up): enough for figures that vary run to run. */
const round = (value: number): number => (Math.abs(value) >= 1000 ? Math.round(value) : Number(value.toPrecision(3)));

/** The figures of one run, in the order they were measured. */
export class Results {
  readonly figures: Record<string, Figure> = {};

  add(name: string, value: number, unit: string, peer?: { name: string; value: number | null }, note?: string): void {
    const figure: Figure = { value: round(value), unit };
    if (peer) {
      figure.peer = peer.name;
      figure.peer_value = peer.value === null ? null : round(peer.value);
      figure.ratio = peer.value ? round(value / peer.value) : null;
    }
    if (note) figure.note = note;
    this.figures[name] = figure;
  }
}
