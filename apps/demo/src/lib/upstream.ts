// Which model the Parley server relays to, from its public `GET /api/health` (`upstream`).

/** `emulator`: no API key is set and the built-in, rule-based emulator answers. */
export type UpstreamKind = 'openai' | 'azure' | 'emulator';

/** The server's upstream, or null when it cannot be told (the banner then stays hidden). */
export async function fetchUpstreamKind(
  baseUrl: string,
  fetchImpl: typeof fetch = fetch,
  signal?: AbortSignal,
): Promise<UpstreamKind | null> {
  try {
    const response = await fetchImpl(new URL('/api/health', baseUrl), {
      headers: { accept: 'application/json' },
      ...(signal ? { signal } : {}),
    });
    if (!response.ok) return null;
    const upstream = ((await response.json()) as { upstream?: unknown } | null)?.upstream;
    return upstream === 'openai' || upstream === 'azure' || upstream === 'emulator'
      ? upstream
      : null;
  } catch {
    return null;
  }
}
