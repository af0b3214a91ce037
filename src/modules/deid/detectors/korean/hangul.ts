/**
 * Small Hangul helpers and the particles (조사) and copula endings that may follow a noun in Korean
 * text. The PERSON and ADDRESS detectors share them to leave particles outside an entity's span.
 */

/** First and last precomposed Hangul syllable (가, 힣). */
export const HANGUL_FIRST = 0xac00;
export const HANGUL_LAST = 0xd7a3;

/**
 * Whether the UTF-16 code unit is a precomposed Hangul syllable.
 *
 * @example isHangulCode('가'.charCodeAt(0)) // true
 */
export function isHangulCode(code: number): boolean {
  return code >= HANGUL_FIRST && code <= HANGUL_LAST;
}

/**
 * Whether a syllable has a final consonant (받침), which decides 이/가, 은/는, 을/를, 과/와.
 *
 * @example hasFinalConsonant('길동'.charCodeAt(1)) // true
 */
export function hasFinalConsonant(code: number): boolean {
  return isHangulCode(code) && (code - HANGUL_FIRST) % 28 !== 0;
}

/**
 * Particles and copula forms that may follow a noun (a name, a place, a number) without a space.
 * Verb endings that are also one syllable (다, 고, 지, 요) are left out on purpose: after a
 * surname-like word they mark a verb or adjective (진부하고), not a name.
 */
export const PARTICLES: ReadonlySet<string> = new Set([
  '이',
  '가',
  '은',
  '는',
  '을',
  '를',
  '의',
  '에',
  '에서',
  '에게',
  '에게서',
  '에게는',
  '에게도',
  '한테',
  '한테서',
  '한테는',
  '께',
  '께서',
  '께서는',
  '께서도',
  '와',
  '과',
  '랑',
  '이랑',
  '하고',
  '도',
  '만',
  '이도',
  '이만',
  '로',
  '으로',
  '로서',
  '으로서',
  '로써',
  '처럼',
  '보다',
  '까지',
  '부터',
  '만큼',
  '이나',
  '이야',
  '이여',
  '입니다',
  '이에요',
  '예요',
  '이었다',
  '였다',
  '이었고',
  '였고',
  '이고',
  '이며',
  '이라고',
  '라고',
  '이라는',
  '라는',
  '이란',
  '이든',
  '조차',
  '마저',
  '밖에',
  '이랑은',
  '랑은',
  '와는',
  '과는',
  '이와',
  '에는',
  '에서는',
  '에도',
  '에서도',
  '으로는',
  '로는',
  '이는',
  '이가',
  '이를',
  '이의',
  '이에게',
  '이한테',
  '이랑도',
  '이다',
  '하고도',
  '하고는',
  '처럼은',
  '처럼도',
  '이랑은',
  '이고요',
  '이구요',
  '이에요',
  '이세요',
  '이신',
]);

/** Longest particle length in code units, bounding the suffix search. */
export const MAX_PARTICLE_LENGTH = 4;

/**
 * Whether `rest` (what follows a word inside the same Hangul run) is empty or a particle.
 *
 * @example isParticle('에게') // true
 * @example isParticle('찌개') // false
 */
export function isParticle(rest: string): boolean {
  return rest === '' || PARTICLES.has(rest);
}
