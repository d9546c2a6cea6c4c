/**
 * Flink's adaptive scheduler, the one that rescales a job in place (`flink-rescale`), with the settings that make a
 * rescale happen as soon as it is asked for: no cool-down after the job started or rescaled, no waiting for more
 * slots to come, and no waiting for the next checkpoint (the fixture jobs checkpoint every 60 s; by default a
 * rescale waits up to 1.5 intervals for one). The 1.20 names come second. `npm start`'s cluster and the tests'
 * adaptive cluster both use these; each picks its own number of slots.
 */
export const ADAPTIVE_SCHEDULER_CONFIG: Readonly<Record<string, string>> = {
  'jobmanager.scheduler': 'adaptive',
  'jobmanager.adaptive-scheduler.executing.cooldown-after-rescaling': '0 s',
  'jobmanager.adaptive-scheduler.executing.resource-stabilization-timeout': '1 s',
  'jobmanager.adaptive-scheduler.rescale-trigger.max-delay': '1 s',
  'jobmanager.adaptive-scheduler.scaling-interval.min': '0 s',
  'jobmanager.adaptive-scheduler.max-delay-for-scale-trigger': '1 s',
};
