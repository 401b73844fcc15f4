import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { LeadStatuses, type LeadStatus } from '#contracts';
import { LeadSource } from '../lead-sources/lead-source.entity.js';

/** An EV charger installation request (seeds: Lead), the root of the lead lifecycle. */
export class Lead {
  id: string = randomUUID();
  /** The OEM user who shared the lead (external user id, role oem). */
  oemId!: string;
  customerName!: string;
  /** E.164, e.g. +919812345678. */
  customerPhone!: string;
  customerEmail: string | null = null;
  addressLine1!: string;
  addressLine2 = '';
  city!: string;
  state!: string;
  pincode!: string;
  /** numeric(9,6) kept as a string so no precision is lost on the way. */
  latitude: string | null = null;
  longitude: string | null = null;
  source!: LeadSource;
  status: LeadStatus = 'new';
  /** The status a lead was in when put on hold; it resumes there. */
  heldFromStatus: LeadStatus | null = null;
  chargerModel: string | null = null;
  /** The Central Ops handler (external user id, role central_ops). */
  assignedToId: string | null = null;
  introCallCompleted = false;
  /** The upstream system's id of this lead, unique per source. */
  externalRef: string | null = null;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const LeadSchema = defineEntity({
  class: Lead,
  tableName: 'leads',
  properties: {
    id: p.uuid().primary(),
    oemId: p.uuid().index('leads_oem_id_index'),
    customerName: p.string().length(200),
    customerPhone: p.string().length(15).index('leads_customer_phone_index'),
    customerEmail: p.string().length(254).nullable(),
    addressLine1: p.string().length(255),
    addressLine2: p.string().length(255).default(''),
    city: p.string().length(100).index('leads_city_index'),
    state: p.string().length(100).index('leads_state_index'),
    pincode: p.string().length(10),
    latitude: p.decimal().precision(9).scale(6).nullable(),
    longitude: p.decimal().precision(9).scale(6).nullable(),
    // Seeds: on_delete=PROTECT. No own index: the (source_id, external_ref) unique one leads with it.
    source: () => p.manyToOne(LeadSource).deleteRule('restrict'),
    // Seeds say CharField(20), but installation_scheduled/_completed are 22 characters: 30 fits all.
    status: p.enum(LeadStatuses).columnType('varchar(30)').default('new').index('leads_status_index'),
    heldFromStatus: p.enum(LeadStatuses).columnType('varchar(30)').nullable(),
    chargerModel: p.string().length(100).nullable(),
    assignedToId: p.uuid().nullable().index('leads_assigned_to_id_index'),
    introCallCompleted: p.boolean().default(false),
    externalRef: p.string().length(100).nullable(),
    createdAt: p.datetime().index('leads_created_at_index'),
    updatedAt: p.datetime().onUpdate(() => new Date()),
  },
  uniques: [{ name: 'leads_source_id_external_ref_unique', properties: ['source', 'externalRef'] }],
  // The list query pages by (created_at desc, id desc); filtered by status, it reads the second index in order.
  indexes: [
    { name: 'leads_created_at_id_index', properties: ['createdAt', 'id'] },
    { name: 'leads_status_created_at_id_index', properties: ['status', 'createdAt', 'id'] },
  ],
});
