import type { FastifyRequest } from 'fastify';
import { DomainError } from '#platform/problem';
import { findUnsafeText } from '#platform/text-safety';
import { cleanFileName } from './text-safety.js';

/** A multipart request read whole: the one file part and the text fields, in any order. */
export interface MultipartUpload {
  file: { buffer: Buffer; filename: string } | null;
  fields: Record<string, string>;
}

/**
 * Reads a multipart/form-data body. The file is buffered within the upload limit that
 * @fastify/multipart enforces (exceeding it is a 413 problem).
 */
export async function readMultipart(request: FastifyRequest, fileField = 'file'): Promise<MultipartUpload> {
  if (!request.isMultipart?.()) {
    throw new DomainError('unsupported', 'request.multipart_required', 'The request must be multipart/form-data');
  }
  const upload: MultipartUpload = { file: null, fields: {} };
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        const buffer = await part.toBuffer();
        if (part.fieldname === fileField && !upload.file) upload.file = { buffer, filename: cleanFileName(part.filename ?? '') };
      } else {
        upload.fields[part.fieldname] = String(part.value ?? '');
      }
    }
  } catch (error) {
    // Limits (413) and other client errors Fastify already classified pass through as they are.
    const status = (error as { statusCode?: number }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) throw error;
    // Anything else the parser throws (bad boundary, truncated body) is the client's malformed input.
    throw new DomainError('invalid', 'request.malformed_multipart', 'The multipart body is malformed', [
      { field: fileField, message: `multipart body could not be read: ${(error as Error).message}` },
    ]);
  }
  const unsafe = findUnsafeText(upload.fields);
  if (unsafe.length) {
    throw new DomainError('invalid', 'request.unsafe_text', `Invalid request: ${unsafe.map((e) => e.field).join(', ')}`, unsafe);
  }
  return upload;
}

/** A 422 naming the missing file field. */
export const missingFile = (field = 'file') =>
  new DomainError('invalid', 'request.file_required', `Invalid request: ${field}`, [
    { field, message: `${field} is required (a multipart file part)` },
  ]);
