// axe-core on a page of the extension, shared by the suites that check accessibility.
import fs from "node:fs";
import { createRequire } from "node:module";

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Run axe-core (WCAG 2.x A/AA + best practices) on `page`; resolves to readable violations. */
export async function axe(page) {
  // Injected through the driver (not a <script>): the extension pages' CSP allows only packaged code.
  if (!(await page.evaluate(() => typeof globalThis.axe === "object"))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    const r = await globalThis.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
      resultTypes: ["violations"],
    });
    return r.violations.map((v) => ({ rule: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.map((n) => n.target.join(" ")) }));
  });
  return result;
}
