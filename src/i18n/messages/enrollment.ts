/** Messages of the enrollment journey. */
const en = {};

const it: typeof en = {};

/** The enrollment messages in every language. */
export const enrollment = { en, it };
