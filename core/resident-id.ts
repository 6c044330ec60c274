/**
 * 公民身份号码 — PRC resident ID numbers as GB 11643-1999 defines them: six digits of region,
 * eight of birth date (YYYYMMDD), three of sequence, and an ISO 7064 MOD 11-2 check character
 * (a digit or X). Pure code: used by the API's input schemas, the import and the tests.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** Why an ID number is refused. */
export type ResidentIdProblem = 'FORMAT' | 'BIRTH_DATE' | 'CHECK_DIGIT';

/** Messages of {@link ResidentIdProblem}s, in both languages (they never repeat the number). */
export const RESIDENT_ID_MESSAGES: Record<ResidentIdProblem, { 'zh-CN': string; en: string }> = {
  FORMAT: { 'zh-CN': '应为 18 位公民身份号码（17 位数字加一位数字或 X）', en: 'must be an 18-character resident ID number (17 digits and a digit or X)' },
  BIRTH_DATE: { 'zh-CN': '出生日期不存在（第 7–14 位）', en: 'has no real birth date (characters 7–14)' },
  CHECK_DIGIT: { 'zh-CN': '校验码不对（最后一位），请核对号码', en: 'has a wrong check character (the last one); check the number' },
};

/** The check character (0–9 or X) of the first 17 digits. */
export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK[sum % 11];
}

/**
 * The problem of an ID number, or `undefined` when it is valid: the right shape, a birth date
 * that exists (from 1900-01-01 to `today`), and the right check character (`x` counts as `X`).
 */
export function residentIdProblem(id: string, today = new Date()): ResidentIdProblem | undefined {
  if (!/^\d{17}[\dXx]$/.test(id)) return 'FORMAT';
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || birth.getUTCFullYear() !== y || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d || birth.getTime() > today.getTime()) {
    return 'BIRTH_DATE';
  }
  if (residentIdCheckChar(id.slice(0, 17)) !== id[17].toUpperCase()) return 'CHECK_DIGIT';
  return undefined;
}

/** Builds a valid ID number from a 6-digit region, a birth date `YYYYMMDD` and a 3-digit sequence. */
export function makeResidentId(region: string, birth: string, seq: string): string {
  const first17 = `${region}${birth}${seq}`;
  if (!/^\d{17}$/.test(first17)) throw new Error('makeResidentId: region (6), birth (8) and sequence (3) must be digits');
  return first17 + residentIdCheckChar(first17);
}
