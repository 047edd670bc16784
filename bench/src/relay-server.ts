// The baseline: a bare Socket.IO relay with the same events as Hestia and nothing else (no auth check,
// no database). `auth.userId` names the connecting user.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";

const httpServer = createServer();
const io = new Server(httpServer, { serveClient: false });
let nextId = 1;
let nextChangeSeq = 1;
io.on("connection", (socket) => {
  const userId = Number((socket.handshake.auth as { userId?: number }).userId);
  void socket.join(`user:${userId}`);
  socket.on("sendDM", ({ toId, content }: { toId: number; content: string }, ack?: (message: unknown) => void) => {
    const message = { id: nextId++, content, userId, recipientId: toId, createdAt: new Date().toISOString() };
    io.to(`user:${toId}`).emit("newDM", message);
    ack?.(message);
  });
  socket.on("joinGroup", ({ groupId }: { groupId: number }, ack?: (answer: unknown) => void) => {
    void socket.join(`group:${groupId}`);
    ack?.({ ok: true });
  });
  socket.on("sendGroupMessage", ({ groupId, content }: { groupId: number; content: string }, ack?: (message: unknown) => void) => {
    const message = { id: nextId++, content, userId, groupId, createdAt: new Date().toISOString() };
    io.to(`group:${groupId}`).emit("newGroupMessage", message);
    ack?.(message);
  });
  // A reaction goes to the room of the group the socket joined (the scenario joins one), as the same
  // `reaction` event the server sends; the acknowledgement is the same shape (a message's reactions).
  const reaction =
    (added: boolean) =>
    ({ messageId, emoji }: { messageId: number; emoji: string }, ack?: (answer: unknown) => void) => {
      const room = [...socket.rooms].find((name) => name.startsWith("group:"));
      if (room) {
        const conversationId = Number(room.slice("group:".length));
        io.to(room).emit("reaction", { conversationId, messageId, emoji, userId, added, changeSeq: nextChangeSeq++ });
      }
      ack?.({ reactions: added ? [{ emoji, count: 1, me: true }] : [] });
    };
  socket.on("react", reaction(true));
  socket.on("unreact", reaction(false));
});
httpServer.listen(0, "127.0.0.1", () => {
  console.log(`relay listening on ${(httpServer.address() as AddressInfo).port}`);
});
process.on("SIGTERM", () => process.exit(0));
