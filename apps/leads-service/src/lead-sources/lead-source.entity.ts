import { defineEntity, p } from '@mikro-orm/core';
import { LeadSourceTypes, type LeadSourceType } from '#contracts';

/** Where leads come from (seeds: LeadSource); `oemId` is an external user id. */
export class LeadSource {
  id!: number;
  name!: string;
  oemId: string | null = null;
  sourceType!: LeadSourceType;
}

export const LeadSourceSchema = defineEntity({
  class: LeadSource,
  tableName: 'lead_sources',
  properties: {
    id: p.integer().primary().autoincrement(),
    name: p.string().length(100).unique(),
    // Seeds: FK to User ON DELETE SET NULL; users live in the identity provider, so a plain uuid.
    oemId: p.uuid().nullable(),
    sourceType: p.enum(LeadSourceTypes).columnType('varchar(20)'),
  },
});
