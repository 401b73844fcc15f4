import { Body, Controller, Get, Param, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Roles } from '#platform/auth';
import { PutRecipientDto, RecipientView } from './dto/recipient.dto.js';
import { RecipientsService } from './recipients.service.js';

/** The contact directory: name, phone, email, WhatsApp, push token, locale and opt-outs. */
@ApiTags('recipients')
@ApiBearerAuth()
@Roles('central_ops')
@Controller('api/v1/recipients')
export class RecipientsController {
  constructor(private readonly recipients: RecipientsService) {}

  @Get(':id')
  @ApiOkResponse({ type: RecipientView })
  get(@Param('id') id: string): Promise<RecipientView> {
    return this.recipients.get(id);
  }

  /** 201 when the entry is new, 200 when it replaced one. */
  @Put(':id')
  @ApiOkResponse({ type: RecipientView })
  async put(
    @Param('id') id: string,
    @Body() body: PutRecipientDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RecipientView> {
    const { recipient, created } = await this.recipients.put(id, body);
    reply.status(created ? 201 : 200);
    return recipient;
  }
}
