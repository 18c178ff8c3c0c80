/** Removes credentials from URLs before they reach a log line or an error message. */

/**
 * Returns `url` with its user info (user name and password) replaced by `[redacted]`.
 *
 * A comma-separated list of NATS servers is redacted entry by entry. A value that does not parse
 * as a URL is returned with anything before its last `@` replaced, so a malformed URL still
 * leaks no password.
 */
export function redactUrl(url: string): string {
  return url
    .split(',')
    .map((entry) => redactOne(entry.trim()))
    .join(',');
}

function redactOne(entry: string): string {
  if (!entry.includes('@')) return entry;
  const parsed = URL.canParse(entry) ? new URL(entry) : undefined;
  // `user:pw@host:4222` without a scheme parses with `user:` as the scheme and no host.
  if (!parsed?.host) return redactBeforeAt(entry);
  if (!parsed.username && !parsed.password) return entry;
  parsed.username = 'redacted';
  parsed.password = '';
  return parsed.toString().replace('//redacted@', '//[redacted]@');
}

function redactBeforeAt(entry: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(entry)?.[0] ?? '';
  return `${scheme}[redacted]${entry.slice(entry.lastIndexOf('@'))}`;
}
