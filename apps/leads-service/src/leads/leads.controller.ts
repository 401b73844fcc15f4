import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentUser, Roles, type Principal } from '#platform/auth';
import { uuidParam } from '../common/uuid-param.js';
import { CreateLeadDto } from './dto/create-lead.dto.js';
import { AssignLeadDto, TransitionLeadDto } from './dto/lead-commands.dto.js';
import { LeadHistoryView, LeadPage, LeadView } from './dto/lead.view.js';
import { ListLeadsQuery } from './dto/list-leads.query.js';
import { UpdateLeadDto } from './dto/update-lead.dto.js';
import { invalidLead } from './leads-access.js';
import { LeadWorkflowService } from './lead-workflow.service.js';
import { LeadsService } from './leads.service.js';

const uuid = uuidParam('id');

/** Leads: Central Ops manage every lead; an OEM creates, reads and edits its own. */
@ApiTags('leads')
@ApiBearerAuth()
@Controller('api/v1/leads')
export class LeadsController {
  constructor(
    private readonly leads: LeadsService,
    private readonly workflow: LeadWorkflowService,
  ) {}

  @Post()
  @Roles('central_ops', 'oem')
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key returns the same lead (200)' })
  @ApiCreatedResponse({ type: LeadView, description: 'Created; 200 with the existing lead on an idempotent retry' })
  async create(
    @Body() body: CreateLeadDto,
    @CurrentUser() principal: Principal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LeadView> {
    if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,200}$/.test(idempotencyKey)) {
      throw invalidLead([{ field: 'Idempotency-Key', message: 'Idempotency-Key must be 1-200 visible ASCII characters' }]);
    }
    const result = await this.leads.create(body, principal, idempotencyKey);
    reply.status(result.created ? 201 : 200);
    return result.lead;
  }

  @Get()
  @Roles('central_ops', 'oem')
  @ApiOkResponse({ type: LeadPage })
  list(@Query() query: ListLeadsQuery, @CurrentUser() principal: Principal): Promise<LeadPage> {
    return this.leads.list(query, principal);
  }

  @Get(':id')
  @Roles('central_ops', 'oem')
  @ApiOkResponse({ type: LeadView })
  get(@Param('id', uuid) id: string, @CurrentUser() principal: Principal): Promise<LeadView> {
    return this.leads.get(id, principal);
  }

  @Patch(':id')
  @Roles('central_ops', 'oem')
  @ApiOkResponse({ type: LeadView })
  update(@Param('id', uuid) id: string, @Body() body: UpdateLeadDto, @CurrentUser() principal: Principal): Promise<LeadView> {
    return this.leads.update(id, body, principal);
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @Roles('central_ops')
  @ApiOkResponse({ type: LeadView, description: '409 problem+json naming the rule when the lifecycle forbids the move' })
  transition(
    @Param('id', uuid) id: string,
    @Body() body: TransitionLeadDto,
    @CurrentUser() principal: Principal,
  ): Promise<LeadView> {
    return this.workflow.transition(id, body, principal);
  }

  @Post(':id/assignment')
  @HttpCode(200)
  @Roles('central_ops')
  @ApiOkResponse({ type: LeadView })
  assign(@Param('id', uuid) id: string, @Body() body: AssignLeadDto, @CurrentUser() principal: Principal): Promise<LeadView> {
    return this.workflow.assign(id, body, principal);
  }

  @Get(':id/history')
  @Roles('central_ops', 'oem')
  @ApiOkResponse({ type: LeadHistoryView, isArray: true })
  history(@Param('id', uuid) id: string, @CurrentUser() principal: Principal): Promise<LeadHistoryView[]> {
    return this.workflow.history(id, principal);
  }
}
