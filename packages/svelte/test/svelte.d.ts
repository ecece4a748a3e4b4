declare module '*.svelte' {
  import type { Component } from 'svelte';
  // Test components take varied props; the tests pass them by name.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const component: Component<any>;
  export default component;
}
