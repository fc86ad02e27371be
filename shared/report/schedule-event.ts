import * as z from 'zod';

/**
 * The input EventBridge Scheduler passes to the report function: the target input template
 * carries `<aws.scheduler.scheduled-time>`, so a retried or late invocation names the same time.
 */
export const scheduleEventSchema = z.object({
  cooperationId: z.string().min(1),
  scheduledTime: z.iso.datetime({ offset: true }),
});

export type ScheduleEvent = z.infer<typeof scheduleEventSchema>;
