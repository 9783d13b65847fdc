import type { ApiError } from '@/lib/api-client';

export type ServiceAppField = 'name' | 'service_name' | 'allowed_origins' | 'grace_period_seconds';

/**
 * fieldForError decides which form field an API error belongs to, so a
 * conflict or validation answer is shown next to the input it is about.
 * Returns null for errors that belong to the form as a whole.
 */
export function fieldForError(error: ApiError, fields: readonly ServiceAppField[]): ServiceAppField | null {
  const has = (f: ServiceAppField) => (fields.includes(f) ? f : null);
  if (error.kind === 'validation' && error.field) {
    return has(error.field as ServiceAppField);
  }
  if (error.kind === 'conflict') {
    const detail = (error.detail ?? '').toLowerCase();
    if (detail.includes('origin')) return has('allowed_origins');
    if (detail.includes('service') || detail.includes('name')) return has('service_name');
  }
  return null;
}
