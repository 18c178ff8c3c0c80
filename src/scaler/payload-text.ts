/**
 * Bounds on strings that reach the store. PostgreSQL rejects NUL in `text` and `jsonb` (SQLSTATE
 * 22021) and rejects a btree index entry above about 2,700 bytes (8 KiB pages), so a value that
 * breaks either gets 400 here rather than 500 from the database, which Alertmanager would retry.
 */
import { z } from 'zod';

/** Maximum UTF-8 bytes of a label name or value; labels feed the indexed columns. */
export const MAX_LABEL_BYTES = 1024;

/** Maximum UTF-8 bytes of an annotation value, URL or other free text. */
export const MAX_TEXT_BYTES = 16 * 1024;

/** Maximum length of a fingerprint; Alertmanager's are 16 hex digits. */
export const MAX_FINGERPRINT_CHARS = 64;

/** Builds a zod schema for a string without NUL and of at most `maxBytes` bytes of UTF-8. */
export function boundedText(maxBytes: number) {
  return z
    .string()
    .refine((text) => !text.includes('\u0000'), {
      message: 'invalid NUL character (\\u0000): the store cannot hold it',
    })
    .refine((text) => Buffer.byteLength(text, 'utf8') <= maxBytes, {
      message: `too long: at most ${maxBytes} bytes of UTF-8`,
    });
}

/** A label set: names and values of at most MAX_LABEL_BYTES each. */
export const labelSetSchema = z.record(boundedText(MAX_LABEL_BYTES), boundedText(MAX_LABEL_BYTES));

/** An annotation set: names of at most MAX_LABEL_BYTES, values of at most MAX_TEXT_BYTES. */
export const annotationSetSchema = z.record(
  boundedText(MAX_LABEL_BYTES),
  boundedText(MAX_TEXT_BYTES),
);

/**
 * An alert fingerprint: 1 to MAX_FINGERPRINT_CHARS letters, digits, `_`, `.`, `:` or `-`.
 * Alertmanager sends 16 hex digits; the wider set admits hand-written payloads.
 */
export const fingerprintSchema = z
  .string()
  .regex(
    new RegExp(`^[0-9A-Za-z_.:-]{1,${MAX_FINGERPRINT_CHARS}}$`),
    `expected 1 to ${MAX_FINGERPRINT_CHARS} letters, digits, "_", ".", ":" or "-" (Alertmanager sends 16 hex digits)`,
  );

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2}))$/;

/** True when `text` is an RFC 3339 date-time with a zone and every field is in range. */
export function isRfc3339(text: string): boolean {
  const match = RFC3339.exec(text);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const isLeap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  // 2000 is a leap year, so its month lengths are right for every month but a common February.
  let maxDay = new Date(Date.UTC(2000, month, 0)).getUTCDate();
  if (month === 2 && !isLeap) maxDay = 28;
  const zoneHour = match[10] === undefined ? 0 : Number(match[10]);
  const zoneMinute = match[11] === undefined ? 0 : Number(match[11]);
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= maxDay &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    zoneHour <= 23 &&
    zoneMinute <= 59
  );
}

/** An RFC 3339 timestamp with a zone, such as Alertmanager sends. */
export const timestampSchema = z.string().refine(isRfc3339, {
  message:
    'expected an RFC 3339 timestamp with a zone, such as 2024-05-01T12:00:00Z, and a real date',
});
