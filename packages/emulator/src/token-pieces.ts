/**
 * Splits text into the pieces a tokenizer would stream, so deltas look like the recorded ones
 * (`"Hi"`, `" there"`, `"!"`): a word of up to six letters or digits with the spaces before it,
 * longer words in six-character pieces, and each other character alone. The pieces concatenate
 * to the text exactly.
 *
 * @example
 * tokenPieces('Hi there!'); // ['Hi', ' there', '!']
 */
export function tokenPieces(text: string): string[] {
  if (text === '') return [''];
  return text.match(/\s*(?:[\p{L}\p{N}']{1,6}|[^\s\p{L}\p{N}'])|\s+$/gu) ?? [text];
}
