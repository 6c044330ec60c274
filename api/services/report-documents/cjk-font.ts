/**
 * The Chinese font of PDF documents (中文字体): `BANGFU_CJK_FONT` (a .ttf/.otf, or a .ttc with
 * `#<postscript name>`), else Debian's Noto Sans CJK (`apt-get install fonts-noto-cjk`), else
 * WenQuanYi Micro Hei. pdfkit embeds only the glyphs a document uses.
 */
import fs from 'node:fs';

/** A font file, and the face inside it for a collection (.ttc). */
export interface CjkFont {
  file: string;
  face?: string;
}

const CANDIDATES: CjkFont[] = [
  { file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', face: 'NotoSansCJKsc-Regular' },
  { file: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', face: 'WenQuanYiMicroHei' },
];

/** The font PDFs use, or null when the machine has none (the PDF routes then say what to install). */
export function resolveCjkFont(env: NodeJS.ProcessEnv = process.env): CjkFont | null {
  const configured = env.BANGFU_CJK_FONT;
  if (configured) {
    const [file, face] = configured.split('#');
    return fs.existsSync(file) ? { file, ...(face ? { face } : {}) } : null;
  }
  return CANDIDATES.find((c) => fs.existsSync(c.file)) ?? null;
}
