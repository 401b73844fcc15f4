import { fileTypeFromBuffer } from 'file-type';

/** The content types a lead document may have, decided from the bytes, never the name or header. */
export const AllowedDocumentTypes: ReadonlySet<string> = new Set([
  'application/pdf',
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/heic',
  'image/heif',
]);

/** The detected content type when it is an allowed one, else null. */
export async function detectDocumentContentType(bytes: Buffer): Promise<string | null> {
  const detected = await fileTypeFromBuffer(bytes);
  return detected && AllowedDocumentTypes.has(detected.mime) ? detected.mime : null;
}
