/** The room every socket of one user joins, so that events reach all of their devices. */
export const userRoom = (userId: number) => `user:${userId}`;

/** The room of the sockets of one session (a device), so that ending the session closes them. */
export const sessionRoom = (sessionId: number) => `session:${sessionId}`;

/** The room of sockets that joined a group with `joinGroup`. */
export const groupRoom = (groupId: number) => `group:${groupId}`;
