/**
 * A progress bar with the time left, for long Monte Carlo runs. Written to stderr only when stderr is a
 * terminal and --quiet is not given (never when piped), at most a few times a second.
 */
import type { CliIo } from './io.js';

export function progressReporter(
  io: CliIo,
  quiet: boolean | undefined,
  label = 'sampling',
): ((done: number, total: number) => void) | undefined {
  const write = io.progress;
  if (quiet || !io.stderrIsTTY || !write) return undefined;
  const started = Date.now();
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    const finished = done >= total;
    if (!finished && now - last < 250) return;
    last = now;
    if (finished) {
      write('\r\u001b[K');
      return;
    }
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    const width = 30;
    const filled = Math.round(fraction * width);
    const elapsed = (now - started) / 1000;
    const left = fraction > 0.02 && elapsed > 1 ? `, about ${Math.ceil((elapsed * (1 - fraction)) / fraction)} s left` : '';
    write(`\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${Math.floor(fraction * 100)}%${left}\u001b[K`);
  };
}
