// Bench-only: when the empty baseline popup's document started and first painted (epoch ms).
(() => {
  const at = () => performance.timeOrigin + performance.now();
  const B = (globalThis.__bench = { probe_at: at() });
  addEventListener("load", () => requestAnimationFrame(() => setTimeout(() => { B.painted = at(); }, 0)));
})();
