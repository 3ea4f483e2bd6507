/** Capped exponential backoff with full jitter: spreads retries of many resources so they do not stampede. */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor?: number;
}

export function backoffDelay(attempt: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const factor = opts.factor ?? 2;
  const ceiling = Math.min(opts.maxMs, opts.initialMs * Math.pow(factor, attempt));
  // Keep at least half the step so waits still grow when the random draw is small.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
