import type { Principal } from '#platform/auth';
import { DomainError } from '#platform/problem';
import type { Actor } from './lead-change-log.js';
import { LeadErrorCode } from './leads.errors.js';

/** The actor of a change made through the API. */
export const actorOf = (principal: Principal): Actor => ({ id: principal.sub, role: principal.role });

/** Rows an OEM may see: its own leads only (another OEM's lead is simply not found). */
export function leadScope(principal: Principal): { oemId?: string } {
  return principal.role === 'oem' ? { oemId: principal.sub } : {};
}

/**
 * The OEM a new lead belongs to. An OEM's leads are its own (limit_choices_to role=oem holds
 * because the token says so); Central Ops names the OEM, whose role this service cannot check.
 */
export function oemOfNewLead(requested: string | undefined | null, principal: Principal): string {
  if (principal.role === 'oem') {
    if (requested && requested !== principal.sub) {
      throw new DomainError('forbidden', LeadErrorCode.OemMismatch, 'An OEM can only create its own leads', [
        { field: 'oemId', message: 'oemId must be your own user id or left out' },
      ]);
    }
    return principal.sub;
  }
  if (!requested) {
    throw new DomainError('invalid', LeadErrorCode.InvalidInput, 'Invalid request: oemId', [
      { field: 'oemId', message: 'oemId is required' },
    ]);
  }
  return requested;
}

export const leadNotFound = (id: string) => new DomainError('not_found', LeadErrorCode.NotFound, `Lead ${id} was not found`);

export const invalidLead = (errors: { field: string; message: string }[]) =>
  new DomainError('invalid', LeadErrorCode.InvalidInput, `Invalid request: ${errors.map((e) => e.field).join(', ')}`, errors);
