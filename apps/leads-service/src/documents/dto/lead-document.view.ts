import { ApiProperty } from '@nestjs/swagger';
import { DocumentTypes, type DocumentType } from '#contracts';

/** A lead document's metadata as the API returns it. */
export class LeadDocumentView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) leadId!: string;
  @ApiProperty({ enum: DocumentTypes }) documentType!: DocumentType;
  @ApiProperty() contentType!: string;
  @ApiProperty() sizeBytes!: number;
  @ApiProperty() sha256!: string;
  @ApiProperty() originalName!: string;
  @ApiProperty({ format: 'uuid' }) uploadedById!: string;
  @ApiProperty({ format: 'date-time' }) uploadedAt!: string;
  @ApiProperty() notes!: string;
}

/** The multipart form of POST /api/v1/leads/:id/documents (for the docs UI). */
export class UploadLeadDocumentForm {
  @ApiProperty({ type: 'string', format: 'binary', description: 'PDF, JPEG, PNG, WebP or HEIC, up to 10 MB' })
  file!: unknown;
  @ApiProperty({ enum: DocumentTypes }) documentType!: DocumentType;
  @ApiProperty({ required: false }) notes?: string;
}
