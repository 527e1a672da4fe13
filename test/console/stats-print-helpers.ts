import type { Page } from 'playwright-core';

/**
 * What the page shows that is not the printed report (`.print-report`): every rendered element with its
 * own text, and every control, outside it. Call with print media emulated.
 */
export function strayPrintedContent(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const area = document.querySelector('.print-report');
    const out: string[] = [];
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      if (!el.checkVisibility({ checkVisibilityCSS: true })) continue;
      const own = Array.from(el.childNodes)
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent?.trim() ?? '')
        .join('');
      const control = ['BUTTON', 'INPUT', 'SELECT', 'TEXTAREA', 'A', 'CANVAS', 'IMG', 'SVG'].includes(el.tagName.toUpperCase());
      if ((own || control) && !area?.contains(el)) out.push(`${el.tagName.toLowerCase()}: ${own.slice(0, 40)}`);
    }
    if (!area) out.push('no .print-report on the page');
    return out;
  });
}

/** The distinct page sizes of the page printed to PDF with its own @page sizes, e.g. ['A4 portrait']. */
export async function pdfPageSizes(page: Page): Promise<string[]> {
  const pdf = (await page.pdf({ preferCSSPageSize: true })).toString('latin1');
  const sizes = new Set<string>();
  for (const m of pdf.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)) {
    const [w, h] = [Number(m[1]), Number(m[2])];
    const a4 = Math.abs(Math.min(w, h) - 595.3) < 3 && Math.abs(Math.max(w, h) - 841.9) < 3;
    sizes.add(a4 ? `A4 ${w < h ? 'portrait' : 'landscape'}` : `${w}×${h}pt`);
  }
  return [...sizes];
}
