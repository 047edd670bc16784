import { createHestiaTrpc, errorCode } from "./trpc";

/** Logs in over tRPC (registering the account first if it does not exist), reads the profile, creates a group and lists the groups. */
export async function demo(url: string, username: string, password: string, log: (line: string) => void = () => {}) {
  const anonymous = createHestiaTrpc(url);
  const { token } = await anonymous.auth.login.mutate({ username, password }).catch((error: unknown) => {
    if (errorCode(error) !== "INVALID_CREDENTIALS") throw error;
    return anonymous.auth.register.mutate({ username, password });
  });

  const client = createHestiaTrpc(url, token);
  const me = await client.users.me.query({});
  log(`Signed in as ${me.username} (#${me.id})`);
  const group = await client.groups.create.mutate({ name: `${me.username}'s tRPC group` });
  log(`Created group #${group.id} "${group.name}" (you are ${group.role.toLowerCase()})`);
  const groups = await client.groups.list.query({});
  log(`Your groups: ${groups.map((each) => `#${each.id} ${each.name}`).join(", ")}`);
  return { me, group, groups };
}
