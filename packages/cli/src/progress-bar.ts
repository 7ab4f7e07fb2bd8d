/**
 * A one-line progress bar for terminals: `[██████░░░░] 60%  2160/3600 s simulated`, redrawn in
 * place with a carriage return and erased when done.
 */

/**
 * Renders the bar for `done` of `total` (clamped to 0–100%) in `width` columns.
 *
 * @example
 * ```ts
 * renderProgressBar(30, 60, 'simulated', 60); // '[██████████░░░░░░░░░░]  50%  30/60 s simulated'
 * ```
 */
export function renderProgressBar(
  doneSeconds: number,
  totalSeconds: number,
  label: string,
  width = 80,
): string {
  const fraction = totalSeconds > 0 ? Math.min(1, Math.max(0, doneSeconds / totalSeconds)) : 1;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const tail = `  ${formatSeconds(doneSeconds)}/${formatSeconds(totalSeconds)} s ${label}`;
  const barWidth = Math.max(10, Math.min(40, width - tail.length - percent.length - 4));
  const filled = Math.round(fraction * barWidth);
  return `[${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}] ${percent}${tail}`;
}

function formatSeconds(seconds: number): string {
  return Number.isInteger(seconds) ? String(seconds) : seconds.toFixed(1);
}

/**
 * Draws a progress bar on a terminal stream, at most every `minIntervalMs` of wall time.
 *
 * @example
 * ```ts
 * const bar = new ProgressBar((t) => process.stderr.write(t), () => performance.now());
 * bar.update(10, 60, 'simulated');
 * bar.clear();
 * ```
 */
export class ProgressBar {
  private lastDrawMs = Number.NEGATIVE_INFINITY;
  private drawn = false;

  /**
   * @param write - where to draw (a TTY stream)
   * @param clock - wall clock in ms
   * @param width - columns available
   * @param minIntervalMs - least time between redraws
   */
  constructor(
    private readonly write: (text: string) => void,
    private readonly clock: () => number,
    private readonly width = 80,
    private readonly minIntervalMs = 100,
  ) {}

  /** Redraws (rate-limited; always draws the final 100%). */
  update(doneSeconds: number, totalSeconds: number, label: string): void {
    const now = this.clock();
    if (now - this.lastDrawMs < this.minIntervalMs && doneSeconds < totalSeconds) return;
    this.lastDrawMs = now;
    this.drawn = true;
    this.write(`\r${renderProgressBar(doneSeconds, totalSeconds, label, this.width)}\u001b[K`);
  }

  /** Erases the bar. */
  clear(): void {
    if (this.drawn) this.write('\r\u001b[K');
    this.drawn = false;
  }
}
