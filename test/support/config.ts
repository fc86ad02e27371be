/** The cooperation most tests start from: a platform and a school running a weekly joint course (config input, before parsing). */
export const JOINT_COURSE = {
  id: 'coop',
  name: 'Joint course',
  type: 'joint_course',
  owner: 'platform',
  partners: ['platform', 'school'],
  timezone: 'Asia/Shanghai',
  starts: '2026-10-05',
  schedule: 'weekly',
} as const;
