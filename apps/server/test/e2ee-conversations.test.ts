import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDevice, cast, claim, claimedPackage, packageOf, stock } from "./e2ee";
import { api, collect, connect, emitAck, eventually, roundTrip, startServer, type TestServer } from "./helpers";
import { b64, commit, encrypt, newGroup } from "./mls";

describe("end-to-end encryption", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  describe("conversations, commits and welcomes", () => {
    /** New users with a device each (bob's with key packages), and alice's direct conversation with bob, unless `open` is false. */
    async function devices({ open = true } = {}) {
      const users = await cast(server);
      const [aliceDevice, bobDevice] = await Promise.all([addDevice(server, users.alice), addDevice(server, users.bob)]);
      const bobPackages = (await stock(server, bobDevice, 5)).oneTime;
      let conversationId = 0;
      if (open) {
        conversationId = (await api(server, "POST", `/e2ee/direct/${users.bob.id}`, { token: users.alice.token })).body.conversationId;
        await api(server, "POST", `/messages/direct/${users.bob.id}`, { token: users.alice.token, body: { content: "plain first" } });
      }
      return { ...users, aliceDevice, bobDevice, bobPackages, conversationId };
    }

    /** Commits the MLS group of the conversation made by `devices()`, welcoming bob's device: epoch 1. */
    async function firstCommit({ alice, bob, aliceDevice, bobDevice, bobPackages, conversationId }: Awaited<ReturnType<typeof devices>>) {
      const claimed = await claim(server, alice, { userId: bob.id, deviceIds: [bobDevice.id] });
      const created = await commit(await newGroup(conversationId, await packageOf(aliceDevice)), [
        claimedPackage(bobPackages, claimed.body[0].keyPackage).publicPackage,
      ]);
      const body = {
        deviceId: aliceDevice.id,
        epoch: 0,
        commit: created.commit,
        welcome: { data: created.welcome, deviceIds: [bobDevice.id] },
      };
      const accepted = await api(server, "POST", `/e2ee/conversations/${conversationId}/commits`, { token: alice.token, body });
      return { created, accepted };
    }

    /** `devices()` with the first commit made: alice's MLS state is at epoch 1. */
    async function established() {
      const fixture = await devices();
      const { created, accepted } = await firstCommit(fixture);
      expect(accepted.status).toBe(201);
      return { ...fixture, state: created.state };
    }

    it("opens the direct conversation with a friend, with both users' devices; nobody else sees it", async () => {
      const { alice, bob, eve, aliceDevice, bobDevice } = await devices({ open: false });
      const opened = await api(server, "POST", `/e2ee/direct/${bob.id}`, { token: alice.token });
      expect(opened.status).toBe(200);
      const conversationId = opened.body.conversationId;
      expect(opened.body).toMatchObject({ kind: "DIRECT", peerUserId: bob.id, epoch: 0, encrypted: false });
      expect(opened.body.groupId).toBeUndefined();
      const members = Object.fromEntries(opened.body.members.map((m: { userId: number }) => [m.userId, m]));
      expect(members[alice.id]).toMatchObject({
        role: "MEMBER",
        devices: expect.arrayContaining([expect.objectContaining({ id: aliceDevice.id })]),
      });
      expect(members[bob.id].devices).toContainEqual(
        expect.objectContaining({ id: bobDevice.id, signaturePublicKey: bobDevice.keys.signaturePublicKey }),
      );
      // The same conversation the DMs go to.
      const dm = await api(server, "POST", `/messages/direct/${bob.id}`, { token: alice.token, body: { content: "plain first" } });
      expect(dm.body.conversationId).toBe(conversationId);
      const seenByBob = await api(server, "GET", `/e2ee/conversations/${conversationId}`, { token: bob.token });
      expect(seenByBob.body).toMatchObject({ conversationId, kind: "DIRECT", peerUserId: alice.id });

      expect((await api(server, "GET", `/e2ee/conversations/${conversationId}`, { token: eve.token })).status).toBe(404);
      expect((await api(server, "POST", `/e2ee/direct/${eve.id}`, { token: alice.token })).status).toBe(403);
      expect((await api(server, "POST", `/e2ee/direct/${alice.id}`, { token: alice.token })).status).toBe(400);
      expect((await api(server, "POST", "/e2ee/direct/999999", { token: alice.token })).status).toBe(404);
    });

    it("accepts the first commit with its welcome; tells the members and the welcomed device", async () => {
      const fixture = await devices();
      const { alice, bob, bobDevice, conversationId } = fixture;
      const bobSocket = await connect(server, bob.token);
      const commits = collect(bobSocket, "e2eeCommit");
      const welcomes = collect(bobSocket, "e2eeWelcome");
      const { created, accepted } = await firstCommit(fixture);
      expect(accepted.status).toBe(201);
      expect(accepted.body).toEqual({ epoch: 1, afterMessageId: expect.any(Number) });
      const history = await api(server, "GET", `/messages/direct/${bob.id}`, { token: alice.token });
      expect(accepted.body.afterMessageId).toBe(history.body.at(-1).id);

      await roundTrip(bobSocket);
      expect(commits).toEqual([{ conversationId, epoch: 1 }]);
      expect(welcomes).toEqual([{ conversationId, deviceIds: [bobDevice.id] }]);
      const pending = await api(server, "GET", `/e2ee/devices/${bobDevice.id}/welcomes`, { token: bob.token });
      expect(pending.body).toEqual([
        {
          id: expect.any(Number),
          conversationId,
          kind: "DIRECT",
          peerUserId: alice.id,
          epoch: 1,
          welcome: created.welcome,
          afterMessageId: accepted.body.afterMessageId,
        },
      ]);
      expect((await api(server, "GET", `/e2ee/devices/${bobDevice.id}/welcomes`, { token: alice.token })).status).toBe(404);
      expect((await api(server, "DELETE", `/e2ee/welcomes/${pending.body[0].id}`, { token: alice.token })).status).toBe(404);
      expect((await api(server, "DELETE", `/e2ee/welcomes/${pending.body[0].id}`, { token: bob.token })).status).toBe(204);
      expect((await api(server, "DELETE", `/e2ee/welcomes/${pending.body[0].id}`, { token: bob.token })).status).toBe(404);
      expect((await api(server, "GET", `/e2ee/devices/${bobDevice.id}/welcomes`, { token: bob.token })).body).toEqual([]);
      expect((await api(server, "GET", `/e2ee/conversations/${conversationId}`, { token: bob.token })).body.epoch).toBe(1);
      bobSocket.close();
    });

    it("refuses commits that are garbage, of another group or epoch, from someone else's device, or welcoming strangers", async () => {
      const { alice, carol, eve, aliceDevice, bobDevice, conversationId, state } = await established();
      const next = await commit(state);
      const path = `/e2ee/conversations/${conversationId}/commits`;
      const post = (body: object, user = alice) =>
        api(server, "POST", path, { token: user.token, body: { deviceId: aliceDevice.id, epoch: 1, commit: next.commit, ...body } });
      const foreign = await commit(await newGroup(conversationId + 1000, await packageOf(aliceDevice)));
      const eveDevice = await addDevice(server, eve);
      const cases: [object, number, RegExp][] = [
        [{ commit: b64(randomBytes(200)) }, 400, /not an encoded MLS message/],
        [{ commit: foreign.commit, epoch: 0 }, 400, /another MLS group/],
        [{ epoch: 2 }, 400, /made in epoch 1, not 2/],
        [{ commit: (await encrypt(state, "hi")).ciphertext }, 400, /not a commit/],
        [{ deviceId: bobDevice.id }, 400, /not a device of yours/],
        [{ welcome: { data: b64(randomBytes(100)), deviceIds: [bobDevice.id] } }, 400, /welcome\.data/],
        [{ welcome: { data: foreign.commit, deviceIds: [bobDevice.id] } }, 400, /not a welcome/],
        [
          { welcome: { data: (await commit(state, [(await packageOf(eveDevice)).publicPackage])).welcome, deviceIds: [eveDevice.id] } },
          400,
          /not a device of a member/,
        ],
        [{ members: { add: [carol.id] } }, 400, /encrypted group/],
      ];
      for (const [body, status, message] of cases) {
        const refused = await post(body);
        expect(refused.status, JSON.stringify(body).slice(0, 80)).toBe(status);
        expect(refused.body.error).toMatch(message);
      }
      expect((await post({}, eve)).status).toBe(404);
      expect((await api(server, "GET", `/e2ee/conversations/${conversationId}`, { token: alice.token })).body.epoch).toBe(1);
    });

    it("accepts exactly one commit per epoch when several race for it", async () => {
      const { alice, bob, eve, aliceDevice, conversationId, ...fixture } = await established();
      let state = fixture.state;
      const path = `/e2ee/conversations/${conversationId}/commits`;
      for (let round = 0; round < 5; round++) {
        const epoch = 1 + round;
        const rivals = await Promise.all([commit(state), commit(state), commit(state)]);
        const answers = await Promise.all(
          rivals.map((rival) =>
            api(server, "POST", path, { token: alice.token, body: { deviceId: aliceDevice.id, epoch, commit: rival.commit } }),
          ),
        );
        expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409, 409]);
        for (const answer of answers.filter((a) => a.status === 409)) {
          expect(answer.body).toEqual({ code: "CONFLICT", error: "Another commit was accepted for this epoch: apply it and try again" });
        }
        state = rivals[answers.findIndex((answer) => answer.status === 201)]!.state;
      }
      const stale = await api(server, "POST", path, {
        token: alice.token,
        body: { deviceId: aliceDevice.id, epoch: 1, commit: (await commit(state)).commit },
      });
      expect(stale.status).toBe(400); // made in epoch 6, not 1

      const all = await api(server, "GET", `${path}?fromEpoch=0`, { token: bob.token });
      expect(all.body.map((c: { epoch: number }) => c.epoch)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(all.body[0]).toEqual({ epoch: 0, deviceId: aliceDevice.id, commit: expect.any(String), createdAt: expect.any(String) });
      const page = await api(server, "GET", `${path}?fromEpoch=2&limit=2`, { token: bob.token });
      expect(page.body.map((c: { epoch: number }) => c.epoch)).toEqual([2, 3]);
      expect((await api(server, "GET", path, { token: eve.token })).status).toBe(404);
    });

    it("stores encrypted DMs as ciphertext, delivers them, and refuses garbage, other groups' and stale ones", async () => {
      const { alice, bob, eve, aliceDevice, conversationId, ...fixture } = await established();
      let state = fixture.state;
      const bobSocket = await connect(server, bob.token);
      const received = collect(bobSocket, "newDM");
      const { ciphertext, state: after } = await encrypt(state, "secret hello");
      const sent = await api(server, "POST", `/messages/direct/${bob.id}`, { token: alice.token, body: { encrypted: true, ciphertext } });
      expect(sent.status).toBe(201);
      expect(sent.body).toMatchObject({ encrypted: true, content: null, ciphertext, recipientId: bob.id, conversationId });
      await eventually(() => expect(received).toEqual([sent.body]));
      const history = await api(server, "GET", `/messages/direct/${alice.id}`, { token: bob.token });
      expect(history.body.at(-1)).toEqual(sent.body);
      expect(history.body.at(-2)).toMatchObject({ encrypted: false, content: "plain first" });
      expect(history.body.at(-2).ciphertext).toBeUndefined();
      state = after;

      const overSocket = await emitAck(bobSocket, "sendDM", {
        toId: alice.id,
        encrypted: true,
        ciphertext: (await encrypt(state, "again")).ciphertext,
      });
      expect(overSocket).toMatchObject({ encrypted: true, content: null, userId: bob.id });

      const send = (body: object) => api(server, "POST", `/messages/direct/${bob.id}`, { token: alice.token, body });
      expect((await send({ encrypted: true, ciphertext: b64(randomBytes(120)) })).status).toBe(400);
      const otherGroup = await encrypt(await newGroup(conversationId + 1, await packageOf(aliceDevice)), "lost");
      expect((await send({ encrypted: true, ciphertext: otherGroup.ciphertext })).body).toMatchObject({
        code: "VALIDATION_ERROR",
        error: expect.stringMatching(/another conversation/),
      });
      expect((await send({ encrypted: true, content: "both" })).status).toBe(400);
      expect((await send({ ciphertext })).status).toBe(400);

      // The epoch moves on; a message encrypted before that is refused and not stored...
      const retried = await encrypt(state, "sent before the commit");
      state = retried.state;
      const original = await send({ encrypted: true, ciphertext: retried.ciphertext, idempotencyKey: "retry-after-commit" });
      expect(original.status).toBe(201);
      const moved = await commit(state);
      const staleMessage = await encrypt(state, "too late");
      await api(server, "POST", `/e2ee/conversations/${conversationId}/commits`, {
        token: alice.token,
        body: { deviceId: aliceDevice.id, epoch: 1, commit: moved.commit },
      });
      const stale = await send({ encrypted: true, ciphertext: staleMessage.ciphertext });
      expect(stale.status).toBe(409);
      expect(stale.body).toEqual({
        code: "CONFLICT",
        error: "The conversation's MLS epoch moved on: process the new commits and encrypt again",
      });
      // ...but a retry of a message stored before the commit (its answer was lost) gets the original.
      const retry = await send({ encrypted: true, ciphertext: retried.ciphertext, idempotencyKey: "retry-after-commit" });
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(original.body);
      const fresh = await send({ encrypted: true, ciphertext: (await encrypt(moved.state, "on time")).ciphertext });
      expect(fresh.status).toBe(201);
      expect((await emitAck(bobSocket, "sendDM", { toId: alice.id, encrypted: true, ciphertext: staleMessage.ciphertext })).code).toBe(
        "CONFLICT",
      );
      const last = await api(server, "GET", `/messages/direct/${alice.id}?limit=2`, { token: bob.token });
      expect(last.body.map((m: { id: number }) => m.id)).toEqual([original.body.id, fresh.body.id]);
      // Non-friends hear that they are not friends, not anything about epochs.
      expect(
        (await api(server, "POST", `/messages/direct/${bob.id}`, { token: eve.token, body: { encrypted: true, ciphertext } })).status,
      ).toBe(403);
      bobSocket.close();
    });

    it("deletes an encrypted message for everyone as a tombstone without ciphertext; learns nothing else of its lifecycle", async () => {
      const { alice, bob, conversationId, state } = await established();
      const bobSocket = await connect(server, bob.token);
      const deletions = collect(bobSocket, "messageDeleted");
      const send = async (text: string, current: typeof state) => {
        const made = await encrypt(current, text);
        const sent = await api(server, "POST", `/messages/direct/${bob.id}`, {
          token: alice.token,
          body: { encrypted: true, ciphertext: made.ciphertext },
        });
        expect(sent.status).toBe(201);
        return { message: sent.body, state: made.state };
      };
      const first = await send("to be deleted", state);
      const second = await send("to stay", first.state);

      // Edits, reactions, reply links and mentions of encrypted messages travel inside the ciphertext only.
      const id = first.message.id;
      expect((await api(server, "PATCH", `/messages/${id}`, { token: alice.token, body: { content: "edited" } })).status).toBe(403);
      expect((await api(server, "PUT", `/messages/${id}/reactions/${encodeURIComponent("👍")}`, { token: bob.token })).status).toBe(400);
      const reply = { encrypted: true, ciphertext: (await encrypt(second.state, "reply")).ciphertext };
      for (const extra of [{ replyToId: id }, { mentions: [bob.id] }]) {
        const refused = await api(server, "POST", `/messages/direct/${bob.id}`, { token: alice.token, body: { ...reply, ...extra } });
        expect(refused.status).toBe(400);
      }

      expect((await api(server, "DELETE", `/messages/${id}`, { token: bob.token })).status).toBe(403);
      expect((await api(server, "DELETE", `/messages/${id}`, { token: alice.token })).status).toBe(204);
      await eventually(() =>
        expect(deletions).toEqual([expect.objectContaining({ conversationId, messageId: id, seq: first.message.seq })]),
      );
      const row = await server.app.deps.db.message.findUnique({ where: { id } });
      expect(row).toMatchObject({ ciphertext: null, content: null, encrypted: true, deletedAt: expect.any(Date) });
      const history = await api(server, "GET", `/messages/direct/${alice.id}`, { token: bob.token });
      const tombstone = history.body.find((message: { id: number }) => message.id === id);
      expect(tombstone).toMatchObject({ id, seq: first.message.seq, content: null, deletedAt: expect.any(String) });
      expect(tombstone.ciphertext).toBeUndefined();
      expect(history.body.find((message: { id: number }) => message.id === second.message.id).ciphertext).toBe(second.message.ciphertext);
      const changes = await api(server, "GET", `/conversations/${conversationId}/changes`, { token: bob.token });
      expect(changes.body.items.find((message: { id: number }) => message.id === id)).not.toHaveProperty("ciphertext");
      bobSocket.close();
    });
  });
});
