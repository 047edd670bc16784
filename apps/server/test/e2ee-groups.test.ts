import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDevice, cast, packageOf, type TestDevice } from "./e2ee";
import { api, collect, connect, emitAck, eventually, roundTrip, startServer, type TestServer } from "./helpers";
import { commit, encrypt, newGroup } from "./mls";

describe("end-to-end encryption", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  describe("encrypted groups", () => {
    /**
     * New users with a device each, and alice's new encrypted group "Vault" with its MLS group at epoch 0.
     * `addThrough` makes alice (or another member) commit adding devices, keeping alice's MLS state.
     */
    async function vault() {
      const users = await cast(server);
      const { alice, bob } = users;
      const [aliceDevice, bobDevice, carolDevice] = await Promise.all([
        addDevice(server, alice),
        addDevice(server, bob),
        addDevice(server, users.carol),
      ]);
      const created = await api(server, "POST", "/groups", { token: alice.token, body: { name: "Vault", encrypted: true } });
      expect(created.body).toMatchObject({ encrypted: true, role: "OWNER" });
      const groupId: number = created.body.id;
      const group = {
        ...users,
        aliceDevice,
        bobDevice,
        carolDevice,
        groupId,
        path: `/e2ee/conversations/${groupId}/commits`,
        /** Alice's MLS state of the group. */
        state: await newGroup(groupId, await packageOf(aliceDevice)),
        epoch: 0,
        /** Commits adding these devices' fresh key packages, made from alice's state; resolves with the response. */
        async addThrough(devices: TestDevice[], members?: object, user = alice) {
          const packages = await Promise.all(devices.map(packageOf));
          const made = await commit(
            group.state,
            packages.map((kp) => kp.publicPackage),
          );
          const body = {
            deviceId: user === alice ? aliceDevice.id : user === bob ? bobDevice.id : carolDevice.id,
            epoch: group.epoch,
            commit: made.commit,
            welcome: devices.length ? { data: made.welcome, deviceIds: devices.map((d) => d.id) } : undefined,
            members,
          };
          const response = await api(server, "POST", group.path, { token: user.token, body });
          if (response.status === 201) {
            group.state = made.state;
            group.epoch = response.body.epoch;
          }
          return response;
        },
      };
      return group;
    }

    /** `vault()` with bob added through a commit. */
    async function vaultWithBob() {
      const group = await vault();
      expect((await group.addThrough([group.bobDevice], { add: [group.bob.id] })).status).toBe(201);
      return group;
    }

    it("adds members only through a commit by an admin, to friends, with every group endpoint showing encrypted", async () => {
      const { alice, bob, carol, eve, bobDevice, carolDevice, groupId, addThrough } = await vault();
      const plain = await api(server, "POST", `/groups/${groupId}/members/${bob.id}`, { token: alice.token });
      expect(plain.status).toBe(409);
      expect(plain.body.error).toBe(
        "Membership of an encrypted group changes through an MLS commit (POST /e2ee/conversations/{id}/commits)",
      );
      expect((await addThrough([], { add: [eve.id] })).status).toBe(403);
      expect((await addThrough([], { add: [999999] })).status).toBe(404);
      expect((await addThrough([], { add: [bob.id], remove: [bob.id] })).status).toBe(400);

      const bobSocket = await connect(server, bob.token);
      const welcomes = collect(bobSocket, "e2eeWelcome");
      const added = await addThrough([bobDevice], { add: [bob.id] });
      expect(added.status).toBe(201);
      expect(added.body).toEqual({ epoch: 1, afterMessageId: 0 });
      await roundTrip(bobSocket);
      expect(welcomes).toEqual([{ conversationId: groupId, deviceIds: [bobDevice.id] }]);
      const welcome = (await api(server, "GET", `/e2ee/devices/${bobDevice.id}/welcomes`, { token: bob.token })).body;
      expect(welcome).toEqual([expect.objectContaining({ conversationId: groupId, kind: "GROUP", groupId, epoch: 1 })]);
      expect(welcome[0].peerUserId).toBeUndefined();
      expect((await addThrough([], { add: [bob.id] })).status).toBe(409);

      const group = await api(server, "GET", `/groups/${groupId}`, { token: bob.token });
      expect(group.body).toMatchObject({ encrypted: true, role: "MEMBER", memberCount: 2 });
      expect((await api(server, "GET", "/groups", { token: bob.token })).body).toContainEqual(
        expect.objectContaining({ id: groupId, encrypted: true }),
      );
      const view = await api(server, "GET", `/e2ee/conversations/${groupId}`, { token: bob.token });
      expect(view.body).toMatchObject({ conversationId: groupId, kind: "GROUP", groupId, epoch: 1, encrypted: true });
      expect(view.body.members.map((m: { userId: number; role: string }) => [m.userId, m.role])).toEqual([
        [alice.id, "OWNER"],
        [bob.id, "MEMBER"],
      ]);

      // bob is no admin; and carol is not his friend anyway.
      const byMember = await addThrough([carolDevice], { add: [carol.id] }, bob);
      expect(byMember.status).toBe(403);
      expect(byMember.body.error).toBe("Only the group's admins can do this");
      bobSocket.close();
    });

    it("takes only ciphertext of the current epoch, and delivers it to joined members", async () => {
      const group = await vaultWithBob();
      const { alice, bob, eve, groupId, addThrough } = group;
      const bobSocket = await connect(server, bob.token);
      await emitAck(bobSocket, "joinGroup", { groupId });
      const received = collect(bobSocket, "newGroupMessage");
      const plain = await api(server, "POST", `/groups/${groupId}/messages`, { token: alice.token, body: { content: "hello?" } });
      expect(plain.status).toBe(400);
      expect(plain.body).toEqual({ code: "BAD_REQUEST", error: "This group accepts only end-to-end encrypted messages" });
      expect((await emitAck(bobSocket, "sendGroupMessage", { groupId, content: "hi" })).code).toBe("BAD_REQUEST");

      const { ciphertext, state: after } = await encrypt(group.state, "group secret");
      const sent = await api(server, "POST", `/groups/${groupId}/messages`, { token: alice.token, body: { encrypted: true, ciphertext } });
      expect(sent.status).toBe(201);
      expect(sent.body).toMatchObject({ groupId, encrypted: true, content: null, ciphertext });
      await eventually(() => expect(received).toEqual([sent.body]));
      group.state = after;
      expect((await api(server, "GET", `/groups/${groupId}/messages`, { token: bob.token })).body).toEqual([sent.body]);
      expect(
        (await api(server, "POST", `/groups/${groupId}/messages`, { token: eve.token, body: { encrypted: true, ciphertext } })).status,
      ).toBe(404);

      const stale = await encrypt(group.state, "stale");
      expect((await addThrough([])).status).toBe(201);
      expect(
        (
          await api(server, "POST", `/groups/${groupId}/messages`, {
            token: alice.token,
            body: { encrypted: true, ciphertext: stale.ciphertext },
          })
        ).status,
      ).toBe(409);
      expect((await emitAck(bobSocket, "sendGroupMessage", { groupId, encrypted: true, ciphertext: stale.ciphertext })).code).toBe(
        "CONFLICT",
      );
      bobSocket.close();
    });

    it("removes members through a commit: admins remove members, only the owner removes admins, nobody the owner", async () => {
      const group = await vaultWithBob();
      const { alice, bob, carol, eve, carolDevice, groupId, addThrough, path } = group;
      expect((await addThrough([carolDevice], { add: [carol.id] })).status).toBe(201);
      await api(server, "PATCH", `/groups/${groupId}/members/${carol.id}`, { token: alice.token, body: { role: "ADMIN" } });
      const plainRemove = await api(server, "DELETE", `/groups/${groupId}/members/${bob.id}`, { token: alice.token });
      expect(plainRemove.status).toBe(409);

      // The commits are made from alice's state: the server sees only their framing, and alice keeps a state to encrypt with.
      const carolCommit = async (members: object) => {
        const made = await commit(group.state);
        const response = await api(server, "POST", path, {
          token: carol.token,
          body: { deviceId: carolDevice.id, epoch: group.epoch, commit: made.commit, members },
        });
        if (response.status === 201) [group.state, group.epoch] = [made.state, response.body.epoch];
        return response;
      };
      expect((await carolCommit({ remove: [alice.id] })).status).toBe(403);
      expect((await carolCommit({ remove: [eve.id] })).status).toBe(404);

      const bobSocket = await connect(server, bob.token);
      await emitAck(bobSocket, "joinGroup", { groupId });
      const received = collect(bobSocket, "newGroupMessage");
      const commits = collect(bobSocket, "e2eeCommit");
      const removed = await carolCommit({ remove: [bob.id] });
      expect(removed.status).toBe(201);
      // Every member but bob hears of it; bob's sockets leave the room at once.
      const after = await api(server, "POST", `/groups/${groupId}/messages`, {
        token: alice.token,
        body: { encrypted: true, ciphertext: (await encrypt(group.state, "x")).ciphertext },
      });
      expect(after.status).toBe(201);
      expect((await api(server, "GET", `/groups/${groupId}`, { token: bob.token })).status).toBe(404);
      expect((await api(server, "GET", path, { token: bob.token })).status).toBe(404);
      await roundTrip(bobSocket);
      expect(received).toEqual([]);
      expect(commits).toEqual([]);
      const members = (await api(server, "GET", `/e2ee/conversations/${groupId}`, { token: alice.token })).body.members;
      expect(members.map((m: { userId: number }) => m.userId).sort()).toEqual([alice.id, carol.id].sort());
      bobSocket.close();

      // Leaving yourself stays a plain call.
      expect((await api(server, "DELETE", `/groups/${groupId}/members/${carol.id}`, { token: carol.token })).status).toBe(204);
    });
  });
});
