import { createClient, type HestiaClient, HestiaError, type Profile } from "@hestia/sdk";

/** Logs in, registering the account first when it does not exist (the other examples use this too). */
export async function signIn(client: HestiaClient, username: string, password: string) {
  try {
    return await client.auth.login({ username, password });
  } catch (error) {
    if (!(error instanceof HestiaError) || error.code !== "INVALID_CREDENTIALS") throw error;
    try {
      return await client.auth.register({ username, password });
    } catch (registerError) {
      // The account exists, so the password was wrong: report the login failure.
      throw registerError instanceof HestiaError && registerError.code === "USERNAME_TAKEN" ? error : registerError;
    }
  }
}

/** Logs in as `username`, registering the account first if it does not exist, and returns the profile. */
export async function hello(baseUrl: string, username: string, password: string): Promise<Profile> {
  const client = createClient({ baseUrl });
  await signIn(client, username, password);
  return client.users.updateBio(`Hello from ${username}`);
}
