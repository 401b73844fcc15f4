import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type Principal, Roles } from '#platform/auth';
import { ClickToCallService } from './click-to-call.service.js';
import { ClickToCallView, PlaceCallDto } from './dto/place-call.dto.js';

/** Click-to-call: ring the caller, bridge to the customer; the call log follows from Twilio's callbacks. */
@ApiTags('call-logs')
@ApiBearerAuth()
@Roles('central_ops', 'field_team')
@Controller('api/v1/calls')
export class CallsController {
  constructor(private readonly calls: ClickToCallService) {}

  /** 202: the caller's phone is ringing; GET the call to see its status and call log. */
  @Post()
  @HttpCode(202)
  @ApiAcceptedResponse({ type: ClickToCallView })
  place(@CurrentUser() user: Principal, @Body() body: PlaceCallDto): Promise<ClickToCallView> {
    return this.calls.place(user.sub, body);
  }

  @Get(':id')
  @ApiOkResponse({ type: ClickToCallView })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<ClickToCallView> {
    return this.calls.get(id);
  }
}
