import { PartialType, PickType } from '@nestjs/swagger';
import { CreateLeadDto } from './create-lead.dto.js';

/** The lead fields a PATCH may change: contact, address and charger model. */
const editableFields = [
  'customerName',
  'customerPhone',
  'customerEmail',
  'addressLine1',
  'addressLine2',
  'city',
  'state',
  'pincode',
  'latitude',
  'longitude',
  'chargerModel',
] as const;

/** Body of PATCH /api/v1/leads/:id: contact, address and charger model only. */
export class UpdateLeadDto extends PartialType(PickType(CreateLeadDto, editableFields)) {
  static readonly fields = editableFields;
}
