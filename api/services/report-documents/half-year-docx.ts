/**
 * 半年总结草稿（Word） — the half-year draft as a DOCX document (the `docx` package): the title, the
 * monitoring paragraphs with every figure filled, the problems named per township and the counting
 * footnote, in a Chinese font and with first-line indents as the bureau's own summaries are set,
 * so it can be edited straight into the summary.
 */
import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx';
import type { HalfYearDraft } from './half-year-draft';

const FONT = { ascii: 'SimSun', eastAsia: 'SimSun', hAnsi: 'SimSun' };
/** Two characters of 三号 (16 pt) as the first-line indent, in twentieths of a point. */
const INDENT = 640;

const body = (text: string): Paragraph => new Paragraph({
  indent: { firstLine: INDENT }, spacing: { line: 560 }, children: [new TextRun({ text, font: FONT, size: 32 })],
});

/** The draft as DOCX bytes. */
export function draftDocx(draft: HalfYearDraft): Promise<Buffer> {
  const doc = new Document({
    creator: 'Bangfu 帮扶', title: draft.title,
    sections: [{
      children: [
        new Paragraph({ heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER, children: [new TextRun({ text: draft.title, font: FONT, size: 44, bold: true })] }),
        ...draft.paragraphs.map(body),
        new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun({ text: '存在的问题', font: FONT, size: 32, bold: true })] }),
        ...draft.problems.map(body),
        new Paragraph({ children: [new TextRun({ text: `注：${draft.footnote}`, font: FONT, size: 21 })] }),
      ],
    }],
  });
  return Packer.toBuffer(doc);
}
