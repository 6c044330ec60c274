/**
 * Masking of personal data, as public notices (公示) require: names keep their first
 * character, ID numbers and phones keep only a few digits.
 */

/** 张三丰 → 张**; Li Wei → L*****. */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length <= 1) return chars.join('');
  return chars[0] + '*'.repeat(Math.min(chars.length - 1, 6));
}

/** 410523199001011234 → 4105**********1234. */
export function maskIdNumber(id: string): string {
  const s = id.trim();
  if (s.length < 8) return '*'.repeat(s.length);
  return s.slice(0, 4) + '*'.repeat(s.length - 8) + s.slice(-4);
}

/** 13812345678 → 138****5678. */
export function maskPhone(phone: string): string {
  const s = phone.replace(/\s+/g, '');
  if (s.length < 7) return '*'.repeat(s.length);
  return s.slice(0, 3) + '*'.repeat(s.length - 7) + s.slice(-4);
}
