/** The targets issue 8 sets, checked against one run's figures: met, not met, or not measured. */
import type { Figure } from "./stats";

export interface TargetCheck {
  target: string;
  met: boolean | null;
  detail: string;
}

type Figures = Record<string, Figure>;

const SIZES = ["1k", "10k", "50k"];
const MODES = [
  ["", "no embedder"],
  ["_embeddings", "embedder configured"],
] as const;

const value = (figures: Figures, name: string): number | null => figures[name]?.value ?? null;

/** The values of `names`, or null when one was not measured. */
function values(figures: Figures, names: string[]): number[] | null {
  const found = names.map((name) => value(figures, name));
  return found.some((each) => each === null) ? null : (found as number[]);
}

function check(
  target: string,
  inputs: number[] | null,
  met: (inputs: number[]) => boolean,
  detail: (inputs: number[]) => string,
): TargetCheck {
  if (!inputs) return { target, met: null, detail: "not measured" };
  return { target, met: met(inputs), detail: detail(inputs) };
}

const perSize = (inputs: number[], unit = "") =>
  inputs.map((each, index) => `${SIZES[index]} ${each}${unit}`).join(", ");

/**
 * What the emulator's scans cost of a turn at these sizes (it answers every query by reading
 * documents, where production reads an index): the catch-up query each turn runs, and findNearest
 * with an embedder.
 */
function emulatorScans(figures: Figures, mode: string, sizes: string[]): string {
  const names = mode ? ["emulator_find_nearest", "findNearest"] : ["emulator_query", "catch-up query"];
  const found = sizes.map((size) => `${size} ${value(figures, `${names[0]}_${size}_ms`) ?? "?"} ms`);
  return `the emulator's ${names[1]} alone, timed apart: ${found.join(", ")}`;
}

export function checkTargets(figures: Figures): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const [mode, what] of MODES) {
    checks.push(
      check(
        `documents read per chat turn the same at 1k, 10k and 50k (within 10 %) and at most 50 (${what})`,
        values(
          figures,
          SIZES.map((size) => `chat_turn_docs_read_${size}${mode}`),
        ),
        (reads) => Math.max(...reads) <= 1.1 * Math.min(...reads) && Math.max(...reads) <= 50,
        (reads) => perSize(reads),
      ),
    );
    checks.push(
      check(
        `bytes read per chat turn at most 40 KB (${what})`,
        values(
          figures,
          SIZES.map((size) => `chat_turn_kb_read_${size}${mode}`),
        ),
        (kb) => Math.max(...kb) <= 40,
        (kb) => perSize(kb, " KB"),
      ),
    );
    checks.push(
      check(
        `chat-turn p95 at 50k no more than 1.5x the 1k figure (${what})`,
        values(figures, [`chat_turn_p95_1k${mode}_ms`, `chat_turn_p95_50k${mode}_ms`]),
        ([small, large]) => large <= 1.5 * small,
        ([small, large]) =>
          `1k ${small} ms, 50k ${large} ms: ${(large / small).toFixed(2)}x; ${emulatorScans(figures, mode, ["1k", "50k"])}`,
      ),
    );
    const tenK = figures[`chat_turn_p95_10k${mode}_ms`];
    checks.push(
      check(
        `chat-turn p95 at 10k at least 4x lower than Mem0 OSS's (${what})`,
        tenK?.value != null && tenK.peer_value != null ? [tenK.value, tenK.peer_value] : null,
        ([ours, peer]) => ours * 4 <= peer,
        ([ours, peer]) =>
          `ours ${ours} ms, Mem0 ${peer} ms: ${(peer / ours).toFixed(2)}x lower; ${emulatorScans(figures, mode, ["10k"])}`,
      ),
    );
  }
  const fresh = figures.fresh_instance_first_turn_1k_ms;
  checks.push(
    check(
      "a fresh instance's first chat turn at most 1.3x a warm one (1k)",
      fresh?.value != null && fresh.peer_value != null ? [fresh.value, fresh.peer_value] : null,
      ([first, warm]) => first <= 1.3 * warm,
      ([first, warm]) => `first ${first} ms, second ${warm} ms: ${(first / warm).toFixed(2)}x`,
    ),
  );
  checks.push(
    check(
      "event out within 1 s (p95) of the answer during a 300-create burst",
      values(figures, ["event_after_answer_p95_ms"]),
      ([p95]) => p95 <= 1000,
      ([p95]) => `p95 ${p95} ms`,
    ),
  );
  const recall = figures.retrieval_recall_at_10_locomo_pct;
  checks.push(
    check(
      "LoCoMo recall_any@10 through the product at least plain BM25's + 15 % relative",
      recall?.value != null && recall.peer_value != null ? [recall.value, recall.peer_value] : null,
      ([ours, plain]) => ours >= plain * 1.15,
      ([ours, plain]) => `ours ${ours} %, plain BM25 ${plain} % (target ${(plain * 1.15).toFixed(1)} %)`,
    ),
  );
  return checks;
}

export const verdict = (check: TargetCheck): string =>
  check.met === null ? "not measured" : check.met ? "met" : "NOT met";
