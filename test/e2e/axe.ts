// axe-core in the e2e run: injected into the page (through the DevTools protocol, which the
// renderer's CSP does not govern) and run over the whole document in light and in dark.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeResult {
  violations: {
    id: string;
    impact: string | null;
    help: string;
    nodes: { target: string[]; failureSummary?: string }[];
  }[];
}

/**
 * Waits until no finite CSS animation or transition is running (a dialog fading in), so colours
 * are read at rest; endless ones (spinners) never settle and are left alone.
 */
export async function untilStill(page: Page): Promise<void> {
  await page.waitForFunction(() =>
    document
      .getAnimations()
      .every(
        (animation) =>
          animation.playState !== 'running' ||
          animation.effect?.getComputedTiming().iterations === Infinity,
      ),
  );
}

/** Every axe violation on the page as it is now, one line each. */
export async function axeViolations(page: Page, label: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  await untilStill(page);
  const result = await page.evaluate(
    () =>
      (
        window as unknown as {
          axe: { run(context: Document, options: object): Promise<AxeResult> };
        }
      ).axe.run(document, { resultTypes: ['violations'] }) as Promise<AxeResult>,
  );
  return result.violations.map(
    (violation) =>
      `${label}: ${violation.id} (${violation.impact ?? 'n/a'}) ${violation.help}: ${violation.nodes
        .slice(0, 4)
        .map((node) => `${node.target.join(' ')} [${node.failureSummary ?? ''}]`)
        .join('; ')}`,
  );
}

/** Fails on any axe violation in light or in dark; leaves the page in light. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    found.push(...(await axeViolations(page, `${label} (${colorScheme})`)));
  }
  await page.emulateMedia({ colorScheme: 'light' });
  expect(found).toEqual([]);
}
