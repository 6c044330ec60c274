import { z } from 'zod';
import { safeText } from '../../../core/text';
import { ZProcessDetail } from '../processes/processes.types';

/**
 * POST /api/assets — 资产登记 of an asset not produced by a project in Bangfu; money in fen. Without
 * `handedOverOn` the asset is registered before its handover: 确权 (the owner 谁主管谁负责 names, by
 * class and `managingLevel`, confirms by task link) and the two-sided handover run first.
 */
export const ZRegisterAssetRequestSchema = z.object({
  reference: safeText().regex(/^[A-Za-z0-9_-]{2,60}$/, 'letters, digits, _ or -'),
  name: safeText().trim().min(1).max(200),
  assetClass: z.enum(['INCOME', 'PUBLIC', 'HOUSEHOLD']),
  assetKind: safeText().regex(/^[A-Z_]{1,40}$/, 'upper-case letters or _').default('GENERAL'),
  valueFen: z.number().int().min(0).max(1e13),
  fundingSource: safeText().trim().min(1).max(100),
  ownerName: safeText().trim().min(1).max(200).optional().describe('所有权人; omitted before the handover: the owner the rule proposes (confirmed in 确权)'),
  managingLevel: z.enum(['VILLAGE', 'TOWNSHIP', 'COUNTY']).default('VILLAGE').describe('主管层级 — names the owner (谁主管谁负责)'),
  villageCode: safeText().regex(/^\d{6,12}$/, 'a region code'),
  projectId: safeText().regex(/^[A-Za-z0-9_-]{2,80}$/).nullable().optional(),
  handedOverOn: safeText().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD').optional().describe('an asset already handed over; omitted: 确权 and 移交 run first'),
}).strict();
export const ZRegisterAssetResponseSchema = z.object({ started: z.boolean(), process: ZProcessDetail });

/** POST /api/assets/:id/disposal — 申请处置. */
export const ZRequestDisposalSchema = z.object({
  method: z.enum(['SALE', 'TRANSFER', 'SCRAP']).describe('拍卖/转让 (SALE), 无偿划转 (TRANSFER), 报废 (SCRAP)'),
  reason: safeText().trim().min(1).max(1000),
}).strict();

/** POST /api/assets/:id/income — 收益登记 of a 经营性 asset; money in fen. */
export const ZRecordIncomeSchema = z.object({
  amountFen: z.number().int().min(1).max(1e13),
  receivedOn: safeText().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD'),
  source: safeText().trim().min(1).max(200).describe('where it came from, e.g. 电费结算, 租金'),
}).strict();
