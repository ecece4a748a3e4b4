/** Which model the Parley server relays to, from its public `GET /api/health` (`upstream`). */
export type UpstreamKind = 'openai' | 'azure' | 'emulator';

/** The server's upstream, or null when it cannot be told (the playground banner then stays hidden). */
export async function fetchUpstreamKind(
  fetchImpl: typeof fetch = (...args) => globalThis.fetch(...args),
): Promise<UpstreamKind | null> {
  try {
    const response = await fetchImpl('/api/health', { headers: { accept: 'application/json' } });
    if (!response.ok) return null;
    const upstream = ((await response.json()) as { upstream?: unknown } | null)?.upstream;
    return upstream === 'openai' || upstream === 'azure' || upstream === 'emulator'
      ? upstream
      : null;
  } catch {
    return null;
  }
}
