import type { FastifyRequest } from 'fastify';
import { AppError } from '../shared/errors.ts';

/** Reads the one uploaded file of a multipart request (and its text fields), bounded by the plugin's limits. */
export async function readUpload(
  request: FastifyRequest,
): Promise<{ data: Buffer; filename: string; fields: Record<string, string> }> {
  if (!request.isMultipart()) throw new AppError('unsupported_media_type', 'Send the file as multipart/form-data');
  const file = await request.file();
  if (!file) {
    throw new AppError('validation', 'No file in the request', { fields: [{ field: 'file', message: 'required' }] });
  }
  const data = await file.toBuffer();
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(file.fields)) {
    const part = Array.isArray(value) ? value[0] : value;
    if (part && part.type === 'field' && typeof part.value === 'string') fields[name] = part.value;
  }
  return { data, filename: file.filename, fields };
}
