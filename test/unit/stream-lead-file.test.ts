/**
 * Reading an import file as a stream (批量导入): the same rows however the bytes are cut, the
 * encoding told from the first bytes, a bad header refused before any row.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../api/http/app-error';
import type { RawRow } from '../../api/services/parse-lead-file';
import { openLeadStream } from '../../api/services/stream-lead-file';

async function* pieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function rowsOf(bytes: Uint8Array, size: number, format: 'csv' | 'json' | 'auto' = 'auto'): Promise<{ rows: RawRow[]; encoding: string; ignored: string[] }> {
  const file = await openLeadStream(pieces(bytes, size), format);
  const rows: RawRow[] = [];
  for await (const r of file.rows) rows.push(r);
  return { rows, encoding: file.encoding, ignored: file.ignoredColumns };
}

const CSV = '\uFEFF线索编号,户主姓名,身份证号,村代码,监测对象类别,风险类型,备注,extra\r\n'
  + 'A-1,张三,110101199003074514,410599100201,边缘易致贫户,因病,"第一行\r\n第二行",x\r\n'
  + '\r\n'
  + 'A-2,李四,110101199003074514,410599100201,MARGINAL,"因病,因残","说 ""引号""",\r\n';

describe('a lead file read as a stream', () => {
  it('gives the same rows whether the bytes come whole or one at a time (characters cut mid-way)', async () => {
    const bytes = new TextEncoder().encode(CSV);
    const whole = await rowsOf(bytes, bytes.length);
    const byByte = await rowsOf(bytes, 1);
    expect(byByte).toEqual(whole);
    expect(whole.encoding).toBe('utf-8');
    expect(whole.ignored).toEqual(['extra']);
    expect(whole.rows).toHaveLength(2);
    expect(whole.rows[0]).toMatchObject({ leadRef: 'A-1', headName: '张三', summary: '第一行\n第二行' });
    expect(whole.rows[1]).toMatchObject({ riskTypes: '因病,因残', summary: '说 "引号"' });
  });

  it('reads GBK bytes as Excel saves them', async () => {
    // 户主 / 张三 in GBK, after an ASCII header.
    const head = new TextEncoder().encode('leadRef,headName,idNumber,villageCode,category,riskTypes\nB-1,');
    const gbkName = Uint8Array.from([0xd5, 0xc5, 0xc8, 0xfd]);
    const tail = new TextEncoder().encode(',110101199003074514,410599100201,MARGINAL,ILLNESS\n');
    const bytes = Uint8Array.from([...head, ...gbkName, ...tail]);
    const r = await rowsOf(bytes, 7);
    expect(r.encoding).toBe('gb18030');
    expect(r.rows[0].headName).toBe('张三');
  });

  it('refuses a header without a required column before any row, naming it', async () => {
    const bytes = new TextEncoder().encode('leadRef,headName,idNumber,villageCode,category\nX,a,b,c,d\n');
    const err = await openLeadStream(pieces(bytes, 5), 'csv').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).field).toBe('riskTypes');
  });

  it('takes a JSON body (array or {rows}) when it starts with [ or {', async () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ rows: [{ leadRef: 'J-1', household: { headName: '王五' } }] }));
    const r = await rowsOf(bytes, 3);
    expect(r.encoding).toBe('json');
    expect(r.rows).toEqual([{ leadRef: 'J-1', headName: '王五' }]);
  });

  it('an empty file is refused', async () => {
    await expect(openLeadStream(pieces(new Uint8Array(0), 1), 'csv')).rejects.toMatchObject({ field: 'body' });
  });
});
