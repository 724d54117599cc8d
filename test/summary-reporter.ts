import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints one plain closing line, `Accord: N passed, N failed, N skipped` (then any known gaps), that
 * CI tooling reads the same whatever the test runner's own format.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0, knownGaps: 0 };
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        // An `it.fails` that fails is a known gap kept as a test, not a pass.
        if (state === 'passed' && test.options.fails) counts.knownGaps++;
        else if (state === 'passed') counts.passed++;
        else if (state === 'failed') counts.failed++;
        else counts.skipped++;
      }
      // A file that failed to load has no tests but is a failure all the same.
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) counts.failed++;
    }
    const gaps =
      counts.knownGaps > 0 ? `, ${counts.knownGaps} known gap${counts.knownGaps > 1 ? 's' : ''} (it.fails)` : '';
    process.stdout.write(
      `\nAccord: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped${gaps}\n`,
    );
  }
}
