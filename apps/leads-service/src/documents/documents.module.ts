import { Module } from '@nestjs/common';
import { LEADS_CONFIG, type LeadsConfig } from '../config.js';
import { createDocumentStorage, DOCUMENT_STORAGE } from './document-storage.js';
import { DocumentsController } from './documents.controller.js';
import { DocumentsService } from './documents.service.js';

/** Lead documents feature, with the storage driver chosen by configuration. */
@Module({
  controllers: [DocumentsController],
  providers: [
    DocumentsService,
    { provide: DOCUMENT_STORAGE, inject: [LEADS_CONFIG], useFactory: (config: LeadsConfig) => createDocumentStorage(config) },
  ],
})
export class DocumentsModule {}
