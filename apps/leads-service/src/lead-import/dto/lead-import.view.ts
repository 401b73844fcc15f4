import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Why a row was not imported. */
export class ImportRowReason {
  @ApiProperty() field!: string;
  @ApiProperty() message!: string;
}

/** The outcome of one CSV row (row 1 is the first line after the header). */
export class ImportRowResult {
  @ApiProperty() row!: number;
  @ApiProperty({ enum: ['created', 'duplicate', 'invalid'] }) status!: 'created' | 'duplicate' | 'invalid';
  @ApiPropertyOptional({ format: 'uuid', description: 'The new lead, or the existing one for a duplicate' }) leadId?: string;
  @ApiPropertyOptional({ type: ImportRowReason, isArray: true }) reasons?: ImportRowReason[];
}

/** The result of POST /api/v1/leads/import. */
export class LeadImportResult {
  @ApiProperty() total!: number;
  @ApiProperty() created!: number;
  @ApiProperty() duplicates!: number;
  @ApiProperty() invalid!: number;
  @ApiProperty({ type: ImportRowResult, isArray: true }) rows!: ImportRowResult[];
}

/** The multipart form of the import (for the docs UI). */
export class LeadImportForm {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description: 'CSV with a header row of create fields: oemId, customerName, customerPhone, customerEmail, addressLine1, addressLine2, city, state, pincode, latitude, longitude, sourceId, chargerModel, externalRef',
  })
  file!: unknown;
}
