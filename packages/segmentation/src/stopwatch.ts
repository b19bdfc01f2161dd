/** Measures consecutive stages: each `lap()` returns milliseconds since the previous one. */
export function startStopwatch(): { lap(): number } {
  let last = performance.now();

  return {
    lap() {
      const now = performance.now();
      const elapsed = now - last;
      last = now;
      return elapsed;
    },
  };
}
