/**
 * An immutable text value built from streamed deltas without quadratic copying: appending shares
 * the parts array with the previous version (copying only when an older version is appended to
 * again), and the flat string is joined once, on first read, then cached.
 *
 * A transcript of N deltas thus costs O(N) to accumulate however often the reducer produces new
 * versions, and only the versions someone reads are ever joined.
 */
export class TextRope {
  private parts: string[];
  private count: number;
  private flat: string | undefined;
  /** Length in UTF-16 code units. */
  readonly length: number;

  private constructor(parts: string[], count: number, length: number, flat?: string) {
    this.parts = parts;
    this.count = count;
    this.length = length;
    this.flat = flat;
  }

  static readonly empty: TextRope = new TextRope([], 0, 0, '');

  /** A rope holding `text` as one part. */
  static of(text: string): TextRope {
    return text === '' ? TextRope.empty : new TextRope([text], 1, text.length, text);
  }

  /** A new version with `delta` appended; this version is unchanged. */
  append(delta: string): TextRope {
    if (delta === '') return this;
    // Another version already appended to the shared array: branch off with a copy.
    const parts = this.parts.length === this.count ? this.parts : this.parts.slice(0, this.count);
    parts.push(delta);
    return new TextRope(parts, this.count + 1, this.length + delta.length);
  }

  toString(): string {
    if (this.flat === undefined) {
      const joined = this.parts.slice(0, this.count).join('');
      // Compact this version so that later appends start from one part.
      this.parts = [joined];
      this.count = 1;
      this.flat = joined;
    }
    return this.flat;
  }
}
