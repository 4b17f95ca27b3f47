// "1 epoch", "3 epochs": the count with its word, in the log lines and details that name a number of things.

/** `n` and `word`, with an s unless n is 1. */
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
