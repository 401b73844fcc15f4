import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { parse } from 'csv-parse/sync';
import { DomainError, type FieldError } from '#platform/problem';
import { findUnsafeText } from '#platform/text-safety';
import { CreateLeadDto } from '../leads/dto/create-lead.dto.js';

/** The columns a lead CSV may have: the fields of POST /api/v1/leads. */
export const ImportColumns = [
  'oemId',
  'customerName',
  'customerPhone',
  'customerEmail',
  'addressLine1',
  'addressLine2',
  'city',
  'state',
  'pincode',
  'latitude',
  'longitude',
  'sourceId',
  'chargerModel',
  'externalRef',
] as const;

const RequiredColumns = ['customerName', 'customerPhone', 'addressLine1', 'city', 'state', 'pincode', 'sourceId'];
const NumericColumns = new Set(['latitude', 'longitude', 'sourceId']);

/** Splits a CSV file into records keyed by header, rejecting the whole file only when its header is wrong. */
export function parseLeadCsv(bytes: Buffer): Record<string, string>[] {
  let records: Record<string, string>[];
  try {
    records = parse(bytes, { columns: true, bom: true, trim: true, skip_empty_lines: true, relax_column_count: true });
  } catch (error) {
    throw new DomainError('invalid', 'import.unreadable_csv', `The file is not readable CSV: ${(error as Error).message}`, [
      { field: 'file', message: 'file must be CSV with a header row' },
    ]);
  }
  const header = records.length ? Object.keys(records[0]) : [];
  const unknown = header.filter((column) => !(ImportColumns as readonly string[]).includes(column));
  const missing = RequiredColumns.filter((column) => !header.includes(column));
  if (records.length && (unknown.length || missing.length)) {
    throw new DomainError('invalid', 'import.bad_header', 'The CSV header does not match the lead fields', [
      ...unknown.map((column) => ({ field: `file.${column}`, message: `unknown column ${column}` })),
      ...missing.map((column) => ({ field: `file.${column}`, message: `missing column ${column}` })),
    ]);
  }
  return records;
}

const flatten = (errors: ValidationError[]): FieldError[] =>
  errors.flatMap((error) => Object.values(error.constraints ?? {}).map((message) => ({ field: error.property, message })));

/** Checks one CSV record with the same DTO rules as the HTTP create (empty cells are absent). */
export async function toCreateLeadDto(record: Record<string, string>): Promise<{ dto: CreateLeadDto; errors: FieldError[] }> {
  const unsafe = findUnsafeText(record);
  if (unsafe.length) return { dto: new CreateLeadDto(), errors: unsafe };
  const plain: Record<string, unknown> = {};
  for (const [column, cell] of Object.entries(record)) {
    if (cell === '' || cell === undefined) continue;
    plain[column] = NumericColumns.has(column) && /^-?\d+(\.\d+)?$/.test(cell) ? Number(cell) : cell;
  }
  const dto = plainToInstance(CreateLeadDto, plain);
  const errors = flatten(await validate(dto, { whitelist: true, forbidNonWhitelisted: true }));
  return { dto, errors };
}
