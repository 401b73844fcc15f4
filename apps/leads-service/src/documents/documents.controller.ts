import { Controller, Get, Param, Post, Req, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentUser, Roles, type Principal } from '#platform/auth';
import { readMultipart } from '../common/multipart.js';
import { uuidParam } from '../common/uuid-param.js';
import { DocumentsService } from './documents.service.js';
import { LeadDocumentView, UploadLeadDocumentForm } from './dto/lead-document.view.js';


/** Documents of a lead (electricity bill, location photo, …): Central Ops and the lead's OEM. */
@ApiTags('documents')
@ApiBearerAuth()
@Controller('api/v1/leads/:id/documents')
export class DocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Post()
  @Roles('central_ops', 'oem')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadLeadDocumentForm })
  @ApiCreatedResponse({ type: LeadDocumentView, description: '415 when the content is not an allowed type; 413 over 10 MB' })
  async upload(
    @Param('id', uuidParam('id')) leadId: string,
    @Req() request: FastifyRequest,
    @CurrentUser() principal: Principal,
  ): Promise<LeadDocumentView> {
    const { file, fields } = await readMultipart(request);
    return this.documents.upload(
      leadId,
      { bytes: file?.buffer ?? null, originalName: file?.filename ?? '', documentType: fields.documentType, notes: fields.notes },
      principal,
    );
  }

  @Get()
  @Roles('central_ops', 'oem')
  @ApiOkResponse({ type: LeadDocumentView, isArray: true })
  list(@Param('id', uuidParam('id')) leadId: string, @CurrentUser() principal: Principal): Promise<LeadDocumentView[]> {
    return this.documents.list(leadId, principal);
  }

  @Get(':docId/content')
  @Roles('central_ops', 'oem')
  @ApiProduces('application/pdf', 'image/jpeg', 'image/png', 'image/webp', 'image/heic')
  async content(
    @Param('id', uuidParam('id')) leadId: string,
    @Param('docId', uuidParam('docId')) documentId: string,
    @CurrentUser() principal: Principal,
  ): Promise<StreamableFile> {
    const content = await this.documents.content(leadId, documentId, principal);
    const filename = content.originalName.replace(/[^\w.-]/g, '_') || documentId;
    return new StreamableFile(content.stream, {
      type: content.contentType,
      length: content.sizeBytes,
      disposition: `inline; filename="${filename}"`,
    });
  }
}
