/**
 * 图表共用部分 — what every server-drawn chart (报表、仪表盘、流程图) starts with: text escaped for
 * SVG, and the opening of the chart with its label for screen readers, the CJK font and the hatch
 * pattern that keeps a series apart in grey.
 */

/** Text escaped for SVG content and attributes. */
export const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The opening `<svg>` of a chart and its hatch pattern `hatch.id` (white with `hatch.ink` stripes). */
export function chartHead(o: { width: number; height: number; label: string; fontSize?: number; hatch: { id: string; ink: string } }): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${o.width} ${o.height}" width="100%" role="img" aria-label="${esc(o.label)}" font-family="Noto Sans CJK SC, sans-serif" font-size="${o.fontSize ?? 13}">`
    + `<defs><pattern id="${o.hatch.id}" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="4" height="4" fill="#fff"/><rect width="2" height="4" fill="${o.hatch.ink}"/></pattern></defs>`;
}
