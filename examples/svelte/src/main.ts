// Mounts the Svelte README's component (src/lib/VoiceAgent.svelte, kept equal to the README by
// test/readme.test.ts).
import { mount } from 'svelte';
import VoiceAgent from './lib/VoiceAgent.svelte';

mount(VoiceAgent, { target: document.getElementById('app')! });
