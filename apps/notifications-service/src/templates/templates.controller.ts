import { Body, Controller, Get, Param, ParseIntPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Roles } from '#platform/auth';
import { CreateTemplateDto, TemplateView, UpdateTemplateDto } from './dto/template.dto.js';
import { TemplatesService } from './templates.service.js';

/** NotificationTemplate CRUD for Central Ops. */
@ApiTags('templates')
@ApiBearerAuth()
@Roles('central_ops')
@Controller('api/v1/templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  @ApiOkResponse({ type: [TemplateView] })
  list(): Promise<TemplateView[]> {
    return this.templates.list();
  }

  @Get(':id')
  @ApiOkResponse({ type: TemplateView })
  get(@Param('id', ParseIntPipe) id: number): Promise<TemplateView> {
    return this.templates.get(id);
  }

  @Post()
  @ApiOkResponse({ type: TemplateView })
  @ApiUnprocessableEntityResponse({ description: 'A part does not compile; errors[] names it with the parser message' })
  create(@Body() body: CreateTemplateDto): Promise<TemplateView> {
    return this.templates.create(body);
  }

  @Patch(':id')
  @ApiOkResponse({ type: TemplateView })
  update(@Param('id', ParseIntPipe) id: number, @Body() body: UpdateTemplateDto): Promise<TemplateView> {
    return this.templates.update(id, body);
  }
}
