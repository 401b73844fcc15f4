import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentUser, Roles, type Principal } from '#platform/auth';
import { missingFile, readMultipart } from '../common/multipart.js';
import { LeadImportForm, LeadImportResult } from './dto/lead-import.view.js';
import { LeadImportService } from './lead-import.service.js';

/** Bulk CSV import of leads, Central Ops only. */
@ApiTags('leads')
@ApiBearerAuth()
@Controller('api/v1/leads/import')
export class LeadImportController {
  constructor(private readonly importer: LeadImportService) {}

  @Post()
  @HttpCode(200)
  @Roles('central_ops')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: LeadImportForm })
  @ApiOkResponse({ type: LeadImportResult, description: 'Per-row created / duplicate / invalid with reasons' })
  async import(@Req() request: FastifyRequest, @CurrentUser() principal: Principal): Promise<LeadImportResult> {
    const { file } = await readMultipart(request);
    if (!file) throw missingFile();
    return this.importer.import(file.buffer, principal);
  }
}
