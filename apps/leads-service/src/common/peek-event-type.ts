/** The `type` of a raw CloudEvent without validating the rest (null when it has none or is not JSON). */
export function peekEventType(value: Buffer | null): string | null {
  try {
    const type = (JSON.parse(value?.toString('utf8') ?? '') as { type?: unknown } | null)?.type;
    return typeof type === 'string' ? type : null;
  } catch {
    return null;
  }
}
