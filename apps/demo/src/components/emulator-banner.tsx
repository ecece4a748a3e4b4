import type { ReactNode } from 'react';

/**
 * Says plainly that no language model answers: the offline emulator follows fixed rules. What it
 * can do, what it cannot, and the one setting that connects a real model.
 */
export function EmulatorBanner(): ReactNode {
  return (
    <aside className="alert alert--info emulator-banner" aria-label="Offline demo">
      <strong>Offline demo: no language model is connected.</strong>
      <span>
        The built-in emulator answers by fixed rules. <em>It can</em> greet as the agent, and run
        the agent&apos;s tools from typed requests, for example “My name is Dana Smith, my email is
        dana@example.com, please have someone call me tomorrow at 3 pm” or “a property priced 400
        thousand dollars with rent of 3000 a month”. <em>It cannot</em> understand speech (there is
        no speech recognizer offline: type instead) or hold an open conversation.
      </span>
      <span>
        To talk to a real model, set <code>OPENAI_API_KEY</code> where the Parley server runs and
        restart it.
      </span>
    </aside>
  );
}
