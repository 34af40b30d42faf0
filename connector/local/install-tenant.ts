/**
 * Installs LeadScore on the sandbox CRM the way an admin does: the server's install URL, the CRM's
 * consent redirect, the callback. Returns the callback's final answer.
 */
export async function installThroughOAuth(
  serverUrl: string,
  provider: 'salesforce' | 'hubspot',
): Promise<void> {
  let url = `${serverUrl}/oauth/${provider}/install`;
  for (let hop = 0; hop < 5; hop += 1) {
    const response = await fetch(url, { redirect: 'manual' });
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location !== null) {
      url = new URL(location, url).toString();
      continue;
    }
    if (!response.ok) {
      throw new Error(
        `install of ${provider} answered ${response.status}: ${(await response.text()).slice(0, 300)}`,
      );
    }
    return;
  }
  throw new Error(`install of ${provider} redirected more than 5 times`);
}
