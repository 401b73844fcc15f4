import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '#platform/auth';
import { ListNotificationsQuery } from './dto/list-notifications.query.js';
import { NotificationDetailView, NotificationPage, NotificationView } from './dto/notification.view.js';
import { SendNotificationDto } from './dto/send-notification.dto.js';
import { NotificationsService } from './notifications.service.js';

/** Notification history and ad-hoc sends, for Central Ops. */
@ApiTags('notifications')
@ApiBearerAuth()
@Roles('central_ops')
@Controller('api/v1/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOkResponse({ type: NotificationPage })
  list(@Query() query: ListNotificationsQuery): Promise<NotificationPage> {
    return this.notifications.list(query);
  }

  @Get(':id')
  @ApiOkResponse({ type: NotificationDetailView })
  get(@Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 404 })) id: string): Promise<NotificationDetailView> {
    return this.notifications.get(id);
  }

  /** Queues one message; it is sent by the dispatcher (status `queued` in the answer). */
  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: NotificationView })
  send(@Body() body: SendNotificationDto): Promise<NotificationView> {
    return this.notifications.send(body);
  }
}
