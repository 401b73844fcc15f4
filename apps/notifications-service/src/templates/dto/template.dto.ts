import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { TemplateChannels, type TemplateChannel } from '#contracts';

/** Body of POST /api/v1/templates. */
export class CreateTemplateDto {
  @ApiProperty({ maxLength: 100, example: 'survey_confirmation_sms' })
  @IsString()
  @Length(1, 100)
  @Matches(/^[a-z0-9_.-]+$/, { message: 'name may contain lowercase letters, digits, _ . and - only' })
  name!: string;

  @ApiProperty({ enum: TemplateChannels })
  @IsIn(TemplateChannels)
  channel!: TemplateChannel;

  @ApiPropertyOptional({ maxLength: 255, description: 'Handlebars; email only', default: '' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  subjectTemplate?: string;

  @ApiProperty({ description: 'Handlebars (strict: a missing variable fails). Context: lead, event, recipient' })
  @IsString()
  @Length(1, 20_000)
  bodyTemplate!: string;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'Handlebars HTML part (email only), HTML-escaped' })
  @IsOptional()
  @IsString()
  @MaxLength(100_000)
  htmlTemplate?: string | null;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  isActive?: boolean;
}

/** Body of PATCH /api/v1/templates/:id: any field of a template. */
export class UpdateTemplateDto extends PartialType(CreateTemplateDto) {}

/** A template as the API shows it. */
export class TemplateView {
  @ApiProperty() id!: number;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: TemplateChannels }) channel!: TemplateChannel;
  @ApiProperty() subjectTemplate!: string;
  @ApiProperty() bodyTemplate!: string;
  @ApiProperty({ nullable: true, type: String }) htmlTemplate!: string | null;
  @ApiProperty() isActive!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}
