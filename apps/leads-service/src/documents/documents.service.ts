import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DocumentTypes, LeadEventTypes, type DocumentType } from '#contracts';
import type { Principal } from '#platform/auth';
import { DomainError, type FieldError } from '#platform/problem';
import { cleanFileName } from '../common/text-safety.js';
import { logLeadChange } from '../leads/lead-change-log.js';
import { Lead } from '../leads/lead.entity.js';
import { actorOf, leadNotFound, leadScope } from '../leads/leads-access.js';
import { detectDocumentContentType } from './document-content.js';
import { DOCUMENT_STORAGE, type DocumentStorage } from './document-storage.js';
import type { LeadDocumentView } from './dto/lead-document.view.js';
import { LeadDocument } from './lead-document.entity.js';

/** An uploaded file with its form fields, as the controller read them. */
export interface DocumentUpload {
  bytes: Buffer | null;
  originalName: string;
  documentType: string | undefined;
  notes: string | undefined;
}

const view = (document: LeadDocument): LeadDocumentView => ({
  id: document.id,
  leadId: document.lead.id,
  documentType: document.documentType,
  contentType: document.contentType,
  sizeBytes: document.sizeBytes,
  sha256: document.sha256,
  originalName: document.originalName,
  uploadedById: document.uploadedById,
  uploadedAt: document.uploadedAt.toISOString(),
  notes: document.notes,
});

/** Lead documents: upload (type by content, SHA-256), list and download. */
@Injectable()
export class DocumentsService {
  private readonly logger = new Logger(DocumentsService.name);

  constructor(
    private readonly em: EntityManager,
    @Inject(DOCUMENT_STORAGE) private readonly storage: DocumentStorage,
  ) {}

  async upload(leadId: string, upload: DocumentUpload, principal: Principal): Promise<LeadDocumentView> {
    const errors: FieldError[] = [];
    if (!upload.bytes?.length) errors.push({ field: 'file', message: 'file is required and must not be empty' });
    if (!DocumentTypes.includes(upload.documentType as DocumentType)) {
      errors.push({ field: 'documentType', message: `documentType must be one of ${DocumentTypes.join(', ')}` });
    }
    if ((upload.notes ?? '').length > 10_000) errors.push({ field: 'notes', message: 'notes must be at most 10000 characters' });
    if (errors.length) {
      throw new DomainError('invalid', 'document.invalid_input', `Invalid request: ${errors.map((e) => e.field).join(', ')}`, errors);
    }
    const bytes = upload.bytes!;
    const em = this.em.fork();
    const lead = await em.findOne(Lead, { id: leadId, ...leadScope(principal) });
    if (!lead) throw leadNotFound(leadId);
    const contentType = await detectDocumentContentType(bytes);
    if (!contentType) {
      throw new DomainError('unsupported', 'document.unsupported_type', 'The file is not a PDF, JPEG, PNG, WebP or HEIC document', [
        { field: 'file', message: 'file content must be PDF, JPEG, PNG, WebP or HEIC' },
      ]);
    }
    const id = randomUUID();
    // Seeds: upload_to='lead_documents/'. Bytes first: a row never points at a missing file.
    const key = `lead_documents/${lead.id}/${id}`;
    try {
      await this.storage.put(key, bytes, contentType);
    } catch (error) {
      this.logger.error({ err: (error as Error).message, storage: this.storage.kind }, 'document store refused an upload');
      throw new DomainError('unavailable', 'document.storage_unavailable', 'The document store is not reachable right now; retry shortly');
    }
    const document = Object.assign(new LeadDocument(), {
      id,
      lead,
      documentType: upload.documentType as DocumentType,
      file: key,
      contentType,
      sizeBytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      originalName: cleanFileName(upload.originalName),
      uploadedById: principal.sub,
      notes: upload.notes ?? '',
      uploadedAt: new Date(),
    });
    const stored = em.transactional(async (tx) => {
      tx.persist(document);
      lead.updatedAt = new Date();
      logLeadChange(tx, lead, {
        type: LeadEventTypes.DocumentUploaded,
        actor: actorOf(principal),
        reason: `${document.documentType} uploaded`,
        data: {
          document: {
            id: document.id,
            documentType: document.documentType,
            contentType,
            sizeBytes: document.sizeBytes,
            sha256: document.sha256,
          },
        },
      });
      await tx.flush();
    });
    // The row did not commit: the bytes would be an orphan nobody can reach.
    await stored.catch(async (error: unknown) => {
      await this.storage.remove(key).catch((cleanup: Error) =>
        this.logger.error({ err: cleanup.message, storage: this.storage.kind }, 'could not remove the bytes of an upload that did not commit'),
      );
      throw error;
    });
    return view(document);
  }

  async list(leadId: string, principal: Principal): Promise<LeadDocumentView[]> {
    const em = this.em.fork();
    const lead = await em.findOne(Lead, { id: leadId, ...leadScope(principal) });
    if (!lead) throw leadNotFound(leadId);
    const documents = await em.find(LeadDocument, { lead }, { orderBy: { uploadedAt: 'asc', id: 'asc' } });
    return documents.map(view);
  }

  async content(
    leadId: string,
    documentId: string,
    principal: Principal,
  ): Promise<{ stream: Readable; contentType: string; sizeBytes: number; originalName: string }> {
    const em = this.em.fork();
    const document = await em.findOne(LeadDocument, { id: documentId, lead: { id: leadId, ...leadScope(principal) } });
    if (!document) throw new DomainError('not_found', 'document.not_found', `Document ${documentId} was not found`);
    return {
      stream: await this.storage.open(document.file),
      contentType: document.contentType,
      sizeBytes: document.sizeBytes,
      originalName: document.originalName,
    };
  }
}
