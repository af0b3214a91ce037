import { profilePath } from './src/modules/refinery/profile/index.ts';
const t = Date.now();
await profilePath('/tmp/datadam-bench-profile/profile-10000000.csv', { workDir: '/tmp/tp-work' });
console.log('total', Date.now() - t);
