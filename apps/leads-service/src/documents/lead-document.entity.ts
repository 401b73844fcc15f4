import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { DocumentTypes, type DocumentType } from '#contracts';
import { Lead } from '../leads/lead.entity.js';

/** A file uploaded for a lead (seeds: LeadDocument); the bytes live in document storage. */
export class LeadDocument {
  id: string = randomUUID();
  lead!: Lead;
  documentType!: DocumentType;
  /** Storage key under `lead_documents/` (seeds: FileField upload_to='lead_documents/'). */
  file!: string;
  contentType!: string;
  sizeBytes!: number;
  sha256!: string;
  originalName = '';
  uploadedById!: string;
  uploadedAt: Date = new Date();
  notes = '';
}

export const LeadDocumentSchema = defineEntity({
  class: LeadDocument,
  tableName: 'lead_documents',
  properties: {
    id: p.uuid().primary(),
    lead: () => p.manyToOne(Lead).deleteRule('cascade').index('lead_documents_lead_id_index'),
    documentType: p.enum(DocumentTypes).columnType('varchar(30)'),
    file: p.string().length(255),
    contentType: p.string().length(100),
    sizeBytes: p.integer(),
    sha256: p.string().length(64),
    originalName: p.string().length(255).default(''),
    // Seeds: FK to User ON DELETE PROTECT; users are external, so the uploader's id from the token.
    uploadedById: p.uuid(),
    uploadedAt: p.datetime(),
    notes: p.text().default(''),
  },
});
