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

/**
 * Body of PATCH /api/v1/leads/:id: contact, address and charger model only. An absent field is left
 * as it is; null clears only a field that may be empty (email, address line 2, coordinates, …) —
 * null for a required one (customerName, customerPhone, …) is a 422, never a NOT NULL violation.
 */
export class UpdateLeadDto extends PartialType(PickType(CreateLeadDto, editableFields), { skipNullProperties: false }) {
  static readonly fields = editableFields;
}
