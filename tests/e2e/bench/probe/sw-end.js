// Bench-only: evaluated right after background.js's body (listeners registered, init started).
globalThis.__bench.eval_end = performance.now();
