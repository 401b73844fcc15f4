import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles, type Principal } from '#platform/auth';
import { CreateLeadSourceDto, LeadSourceView } from './dto/lead-source.dto.js';
import { LeadSourcesService } from './lead-sources.service.js';

/** Lead sources: Central Ops manages them, OEMs read them. */
@ApiTags('lead-sources')
@ApiBearerAuth()
@Controller('api/v1/lead-sources')
export class LeadSourcesController {
  constructor(private readonly sources: LeadSourcesService) {}

  @Post()
  @Roles('central_ops')
  create(@Body() body: CreateLeadSourceDto): Promise<LeadSourceView> {
    return this.sources.create(body);
  }

  @Get()
  @Roles('central_ops', 'oem')
  @ApiOkResponse({ type: LeadSourceView, isArray: true })
  list(@CurrentUser() principal: Principal): Promise<LeadSourceView[]> {
    return this.sources.list(principal);
  }
}
