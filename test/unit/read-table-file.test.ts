/**
 * The setup and import files' reader (区划、干部、农户名册、项目库、资产台账、存量贷款/岗位):
 * CSV as the bureau saves it, each row named by the line it starts on, and a large file read
 * without holding the process (the API serves others while a county's roster is parsed).
 */
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { readTableFile, TableFileError } from '../../api/services/read-table-file';

type Col = 'code' | 'name' | 'note';
const ALIASES: Record<Col, readonly string[]> = { code: ['代码'], name: ['名称'], note: ['备注'] };
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('reading a table file', () => {
  it('matches Chinese headers, keeps quoted fields with line breaks, and names each row by the line it starts on', async () => {
    const file = await readTableFile<Col>(utf8('\uFEFF代码,名称,备注,多余\n1,甲村,"第一行\n第二行",x\n\n2,乙村,,\n'), ALIASES);
    expect(file.encoding).toBe('utf-8');
    expect(file.ignoredColumns).toEqual(['多余']);
    expect(file.rows).toEqual([
      { line: 2, cells: { code: '1', name: '甲村', note: '第一行\n第二行' } },
      { line: 5, cells: { code: '2', name: '乙村' } },
    ]);
  });

  it('a file saved with CRLF line breaks names the same lines, also after a quoted cell spanning lines', async () => {
    const file = await readTableFile<Col>(utf8('代码,名称,备注\r\n1,甲村,"第一行\r\n第二行"\r\n2,乙村,\r\n'), ALIASES);
    expect(file.rows).toEqual([
      { line: 2, cells: { code: '1', name: '甲村', note: '第一行\n第二行' } },
      { line: 4, cells: { code: '2', name: '乙村' } },
    ]);
  });

  it('a file the parser cannot read is refused by its error code and line, never quoting a cell (an ID number)', async () => {
    const id = '11010519491231002X';
    const err = await readTableFile<Col>(utf8(`代码,名称\n1,甲村\n2,x${id}"z"\n`), ALIASES).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TableFileError);
    expect((err as Error).message).toMatch(/^not a readable CSV file \([A-Z_]+ at line 3\)$/);
    expect((err as Error).message).not.toContain(id);
  });

  it('reads GBK and semicolon- or tab-separated files', async () => {
    const gbk = await readTableFile<Col>(new Uint8Array(iconv.encode('代码;名称\n7;丙村\n', 'gbk')), ALIASES);
    expect(gbk.rows[0].cells).toEqual({ code: '7', name: '丙村' });
    const tab = await readTableFile<Col>(utf8('code\tname\n8\t丁村\n'), ALIASES);
    expect(tab.rows[0].cells).toEqual({ code: '8', name: '丁村' });
  });

  it('refuses an empty file, bytes that are no text, and a row longer than the cap, naming what is wrong', async () => {
    await expect(readTableFile<Col>(utf8('\n\n'), ALIASES)).rejects.toThrow(new TableFileError('the file is empty'));
    await expect(readTableFile<Col>(new Uint8Array([0xc3, 0x28, 0xff, 0xff, 0xa0, 0xa1, 0x80]), ALIASES)).rejects.toBeInstanceOf(TableFileError);
    await expect(readTableFile<Col>(utf8(`代码,名称\n1,${'x'.repeat(300 * 1024)}\n`), ALIASES)).rejects.toThrow(/a row longer than 256 KiB/);
  });

  it('a large file is read in pieces: timers of other requests run while it is parsed, and every row arrives in order', async () => {
    const lines = ['代码,名称'];
    for (let i = 0; i < 60_000; i++) lines.push(`${i},村${i}`);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      const file = await readTableFile<Col>(utf8(lines.join('\n')), ALIASES);
      expect(file.rows).toHaveLength(60_000);
      expect(file.rows[59_999]).toEqual({ line: 60_001, cells: { code: '59999', name: '村59999' } });
    } finally {
      clearInterval(timer);
    }
    expect(ticks, 'the event loop ran timers during the parse').toBeGreaterThan(0);
  });
});
