import { z } from 'zod';
import { isoDateTime, tenantIdSchema } from './common.ts';

export const activityTypeSchema = z.enum([
  'email_open',
  'email_click',
  'page_view',
  'pricing_page_view',
  'form_submit',
  'content_download',
  'webinar',
  'demo_request',
  'meeting',
  'call',
  'task',
  'campaign_response',
]);
export type ActivityType = z.infer<typeof activityTypeSchema>;

export const activitySchema = z.object({
  id: z.string().min(1),
  tenantId: tenantIdSchema,
  leadId: z.string().min(1),
  type: activityTypeSchema,
  occurredAt: isoDateTime,
  /** Free detail: asset type of a download, page path, call disposition, campaign name. */
  detail: z.string().max(500).nullable(),
});
export type Activity = z.infer<typeof activitySchema>;
