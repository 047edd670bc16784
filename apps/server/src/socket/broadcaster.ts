import type { Audience, Broadcaster } from "../realtime/broadcaster";
import type { Link } from "../realtime/link";
import type { DeliveryGaps } from "../realtime/resync";
import type { HestiaServer } from "./io";
import { groupRoom, sessionRoom, userRoom } from "./rooms";

/**
 * Fan-out through Socket.IO rooms; with the Redis adapter the same calls reach every process. While the
 * link to the others is down, messages still reach this process's sockets at once (the adapter's publish
 * fails fast) and `gaps` learns which rooms the others missed; questions to every process are answered
 * from this one.
 */
export function createSocketBroadcaster(io: HestiaServer, cluster?: { link: Link; gaps: DeliveryGaps }): Broadcaster {
  const everywhere = () => (cluster && !cluster.link.up ? io.local : io);
  // An emit to no room at all would reach every socket: an empty audience gets nothing.
  const to = (audience: Audience) =>
    "userIds" in audience
      ? audience.userIds.length
        ? io.to(audience.userIds.map(userRoom))
        : undefined
      : io.to(groupRoom(audience.groupId)).except(audience.exceptUserIds.map(userRoom));
  return {
    directMessage(message) {
      cluster?.gaps.note([userRoom(message.userId), userRoom(message.recipientId)], message.conversationId);
      // One emit per room (a socket is only in its own user's room, and messaging yourself is refused):
      // with the sharded Redis adapter, a single-room emit goes only to processes with sockets in it.
      io.to(userRoom(message.userId)).emit("newDM", message);
      io.to(userRoom(message.recipientId)).emit("newDM", message);
      io.to(userRoom(message.recipientId)).emit("dmNotification", {
        ...message,
        senderId: message.userId,
        senderUsername: message.username,
      });
    },
    groupMessage(message) {
      cluster?.gaps.note([groupRoom(message.groupId)], message.conversationId);
      io.to(groupRoom(message.groupId)).emit("newGroupMessage", message);
    },
    e2eeCommit(toUserIds, payload) {
      if (toUserIds.length) io.to(toUserIds.map(userRoom)).emit("e2eeCommit", payload);
    },
    e2eeWelcome(userId, payload) {
      io.to(userRoom(userId)).emit("e2eeWelcome", payload);
    },
    e2eeDevices(toUserIds, payload) {
      if (toUserIds.length) io.to(toUserIds.map(userRoom)).emit("e2eeDevices", payload);
    },
    messageDeleted(toUserIds, payload) {
      if (toUserIds.length) io.to(toUserIds.map(userRoom)).emit("messageDeleted", payload);
    },
    messageUpdated(toUserIds, payload) {
      if (toUserIds.length) io.to(toUserIds.map(userRoom)).emit("messageUpdated", payload);
    },
    reaction(toUserIds, payload) {
      if (toUserIds.length) io.to(toUserIds.map(userRoom)).emit("reaction", payload);
    },
    evictFromGroup(groupId, userIds) {
      if (userIds.length) io.in(userIds.map(userRoom)).socketsLeave(groupRoom(groupId));
    },
    disconnectUser(userId) {
      io.in(userRoom(userId)).disconnectSockets(true);
    },
    disconnectSession(sessionId) {
      io.in(sessionRoom(sessionId)).disconnectSockets(true);
    },
    presence(toUserIds, payload) {
      if (toUserIds.length) io.to(toUserIds.map(userRoom)).emit("presence", payload);
    },
    readState(userId, payload, exceptSocketId) {
      const room = io.to(userRoom(userId));
      // A socket is always in the room named by its own id.
      (exceptSocketId === undefined ? room : room.except(exceptSocketId)).emit("readState", payload);
    },
    receipt(audience, payload) {
      to(audience)?.emit("receipt", payload);
    },
    typing(audience, payload) {
      to(audience)?.emit("typing", payload);
    },
    async onlineUserIds(userIds) {
      if (!userIds.length) return new Set();
      const sockets = await everywhere().in(userIds.map(userRoom)).fetchSockets();
      return new Set(sockets.map((socket) => socket.data.actor.id));
    },
  };
}
