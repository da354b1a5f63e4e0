import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';

/** Ends the browser run with one plain line, `e2e: N passed, N failed, N skipped`, for CI logs. */
export default class SummaryReporter implements Reporter {
  private passed = 0;
  private failed = 0;
  private skipped = 0;

  onTestEnd(test: TestCase, result: TestResult): void {
    if (result.status === 'skipped') this.skipped++;
    else if (test.outcome() === 'expected' || test.outcome() === 'flaky') {
      if (result.status === 'passed') this.passed++;
    } else if (result.retry === test.retries || result.status === 'passed') this.failed++;
  }

  onEnd(_result: FullResult): void {
    process.stdout.write(`\ne2e: ${this.passed} passed, ${this.failed} failed, ${this.skipped} skipped\n`);
  }
}
