import { createClient, HestiaError, type Profile } from "@hestia/sdk";

/** Logs in as `username`, registering the account first if it does not exist, and returns the profile. */
export async function hello(baseUrl: string, username: string, password: string): Promise<Profile> {
  const client = createClient({ baseUrl });
  try {
    await client.auth.login({ username, password });
  } catch (error) {
    if (!(error instanceof HestiaError) || error.code !== "INVALID_CREDENTIALS") throw error;
    await client.auth.register({ username, password });
  }
  return client.users.updateBio(`Hello from ${username}`);
}
