import { expect, it } from "vitest";
import { measureRecall } from "../support/locomo";

it("LoCoMo evidence recall@10: our keyword ranking beats a plain BM25 on the same turns by 15 % or more", () => {
  const report = measureRecall(undefined, 10);
  console.log(`LoCoMo recall_any@10 over ${report.questions} questions: ours ${(report.ours * 100).toFixed(1)} %, plain BM25 ${(report.plainBm25 * 100).toFixed(1)} %`);
  expect(report.questions).toBeGreaterThan(300);
  expect(report.ours).toBeGreaterThanOrEqual(report.plainBm25 * 1.15);
});
