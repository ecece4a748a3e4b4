/**
 * What the reply rules read from an agent's instructions: who it is ("You are Cap, the voice
 * assistant of Keystone Realty" → it introduces itself so) and a sentence it was told to say
 * word for word (the Parley server greets with `Greet the visitor by saying exactly this, and
 * nothing else: "…"`).
 */

/** The agent as its instructions describe it. */
export interface AgentProfile {
  /** "Cap", when the instructions start a sentence with "You are <Name>". */
  name: string | undefined;
  /** "the voice assistant of Keystone Realty", the words after the name up to the sentence end. */
  role: string | undefined;
}

const PERSONA =
  /\bYou are ((?:\p{Lu}[\p{L}'’-]*)(?:\s\p{Lu}[\p{L}'’-]*)?)(?:,\s*([^.,\n]{3,120}))?/u;
const SAY_EXACTLY =
  /\b(?:say|saying|said)\s+(?:exactly|verbatim|word for word)\b[^"“\n]{0,60}["“]([\s\S]{1,1000})["”]/i;

/** The persona of `instructions`. */
export function agentProfileOf(instructions: string): AgentProfile {
  const match = PERSONA.exec(instructions);
  if (!match) return { name: undefined, role: undefined };
  return { name: match[1], role: match[2]?.trim() };
}

/** The sentence `instructions` ask to be said exactly, if any. */
export function sentenceToSay(instructions: string): string | undefined {
  return SAY_EXACTLY.exec(instructions)?.[1]?.trim();
}

/** "I'm Cap, the voice assistant of Keystone Realty." or "" without a persona. */
export function introductionOf(profile: AgentProfile): string {
  if (!profile.name) return '';
  return profile.role ? `I'm ${profile.name}, ${profile.role}.` : `I'm ${profile.name}.`;
}
