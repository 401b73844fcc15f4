import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type Principal, Roles } from '#platform/auth';
import { CallLogsService } from './call-logs.service.js';
import { CallLogPage, CallLogView } from './dto/call-log.view.js';
import { CreateCallLogDto } from './dto/create-call-log.dto.js';
import { ListCallLogsQuery } from './dto/list-call-logs.query.js';

/** Calls made in ChargeSol workflows; a connected introductory call moves the lead to contacted. */
@ApiTags('call-logs')
@ApiBearerAuth()
@Roles('central_ops', 'field_team')
@Controller('api/v1/call-logs')
export class CallLogsController {
  constructor(private readonly callLogs: CallLogsService) {}

  /** Records a call made by the caller (the token's subject) and publishes `chargesol.call.logged`. */
  @Post()
  @ApiCreatedResponse({ type: CallLogView })
  create(@CurrentUser() user: Principal, @Body() body: CreateCallLogDto): Promise<CallLogView> {
    return this.callLogs.create(user.sub, body);
  }

  @Get()
  @ApiOkResponse({ type: CallLogPage })
  list(@Query() query: ListCallLogsQuery): Promise<CallLogPage> {
    return this.callLogs.list(query);
  }
}
